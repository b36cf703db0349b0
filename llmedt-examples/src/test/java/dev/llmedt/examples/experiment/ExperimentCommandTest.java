package dev.llmedt.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.data.LlmcdsrWriter;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.examples.LlmEdtCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code experiment}: every study end to end on the synthetic data with tiny epochs. */
class ExperimentCommandTest {

    /** Held-out users per split of the test data. */
    private static final int TEST_USERS = 80;

    @TempDir
    static Path dir;
    private static Path data;
    private static Path embeddings;
    private static Path cache;

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = LlmEdtCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    @BeforeAll
    static void encode() throws IOException {
        data = dir.resolve("syn");
        cache = dir.resolve("cache");
        // A third of generate-synthetic's users: the studies train 20-odd tiny models and profile every user.
        LlmcdsrWriter.write(SyntheticDataset.generate(new SyntheticDataset.Options(5, 12, 200, 400, 170, TEST_USERS)), data);
        embeddings = dir.resolve("items.f32");
        Result r = run("encode", "--data", data.toString(), "--out", embeddings.toString(), "--cache", cache.toString());
        assertEquals(0, r.status(), r.err());
    }

    /** The command line of a study with tiny models; {@code extra} are appended. */
    private static String[] study(String name, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("experiment", "--study", name, "--data", data.toString(), "--out", out.toString(),
                "--embeddings", embeddings.toString(), "--cache", cache.toString(), "--max-epochs", "1,1", "--dim", "16", "--threads", "2"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static JsonNode table(Path out, String study) throws IOException {
        assertTrue(Files.readString(out.resolve(study + ".md")).contains("Protocol: "), "the Markdown names the protocol");
        return new ObjectMapper().readTree(out.resolve(study + ".json").toFile());
    }

    private static List<String> column(JsonNode table, String key) {
        List<String> values = new ArrayList<>();
        for (JsonNode row : table.path("rows")) {
            values.add(row.path(key).asText());
        }
        return values;
    }

    private static Map<Path, FileTime> resultTimes(Path runs) throws IOException {
        Map<Path, FileTime> times = new HashMap<>();
        try (Stream<Path> files = Files.walk(runs)) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals(StudyRunner.RESULT_FILE)).toList()) {
                times.put(p, Files.getLastModifiedTime(p));
            }
        }
        return times;
    }

    /** The study's HTML page: its table has the JSON's rows under the protocol, its chart decodes, the provenance names the data. */
    private static void checkPage(Path out, JsonNode json) throws IOException {
        org.jsoup.nodes.Document html = org.jsoup.Jsoup.parse(out.resolve("index.html").toFile(), "UTF-8");
        org.jsoup.select.Elements tables = html.select("table");
        org.jsoup.nodes.Element results = tables.get(0);
        assertTrue(results.selectFirst("caption").text().contains("Protocol: " + json.path("protocol").asText()),
                results.selectFirst("caption").text());
        assertEquals(json.path("rows").size(), results.select("tbody tr").size());
        assertEquals(json.path("columns").size(), results.select("thead th").size());
        String fingerprint = json.path("dataset_fingerprint").asText();
        assertTrue(fingerprint.length() == 64 && tables.last().text().contains(fingerprint), "the provenance names the data");
        org.jsoup.select.Elements images = html.select("img");
        assertEquals(1, images.size(), "the test NDCG@10 chart");
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(out.resolve(images.get(0).attr("src")).toFile());
        assertTrue(png != null && png.getWidth() == 900, "the chart decodes");
    }

    @Test
    void insertionWritesItsTableAndAResumedStudyTrainsNothing() throws Exception {
        Path out = dir.resolve("insertion");
        Result first = run(study("insertion", out, "--seeds", "1,2"));
        assertEquals(0, first.status(), first.err());
        JsonNode t = table(out, "insertion");
        assertEquals(List.of("after-source", "append", "random"), column(t, "insertion"));
        assertEquals(6, t.path("runs_trained").asInt(), "3 settings x 2 seeds");
        assertTrue(t.path("complete").asBoolean());
        assertEquals(List.of(1L, 2L), List.of(t.at("/seeds/0").asLong(), t.at("/seeds/1").asLong()));
        JsonNode ref = t.at("/rows/0");
        assertTrue(ref.path("p_t_vs_reference").isNull(), "the reference row has no p-value");
        assertEquals(TEST_USERS, ref.path("n_test").asInt(), "every synthetic test user");
        assertTrue(ref.path("insertions").asDouble() > 0, "bridges between the synthetic themes");
        for (JsonNode row : t.path("rows")) {
            double ndcg = row.path("test_ndcg10").asDouble();
            assertTrue(ndcg > 0 && ndcg <= row.path("test_hr10").asDouble(), "NDCG@10 <= HR@10: " + row);
            assertTrue(row.path("valid_ndcg10_std").asDouble() > 0, "two seeds differ: " + row);
        }
        checkPage(out, t);
        double p = t.at("/rows/2/p_t_vs_reference").asDouble();
        assertTrue(p > 0 && p <= 1, "a p-value: " + p);

        Map<Path, FileTime> before = resultTimes(out.resolve("runs"));
        assertEquals(6, before.size());
        Result again = run(study("insertion", out, "--seeds", "1,2"));
        assertEquals(0, again.status(), again.err());
        JsonNode t2 = table(out, "insertion");
        assertEquals(0, t2.path("runs_trained").asInt(), again.out());
        assertEquals(6, t2.path("runs_reused").asInt());
        assertEquals(before, resultTimes(out.resolve("runs")), "completed runs are not written again");
        assertEquals(t.path("rows"), t2.path("rows"), "the same table from the cached runs");

        // A run recorded before a setting existed (no such key: what a file without it reads as, here no output projection)
        // is reused while today's value is that; one recorded with another value is not.
        ObjectMapper json = new ObjectMapper();
        Path llmEdtRun = null;
        for (Path f : before.keySet()) {
            if (json.readTree(f.toFile()).at("/identity/config/backbone").isObject()) {
                llmEdtRun = f;
            }
        }
        assertNotNull(llmEdtRun, "an LLM-EDT run: " + before.keySet());
        byte[] original = Files.readAllBytes(llmEdtRun);
        JsonNode recorded = json.readTree(original);
        assertFalse(recorded.at("/identity/config/backbone/output_projection").asBoolean(true), "recorded with today's key");
        ((com.fasterxml.jackson.databind.node.ObjectNode) recorded.at("/identity/config/backbone")).remove("output_projection");
        json.writeValue(llmEdtRun.toFile(), recorded);
        Result beforeSetting = run(study("insertion", out, "--seeds", "1,2"));
        assertEquals(0, beforeSetting.status(), beforeSetting.err());
        assertEquals(0, table(out, "insertion").path("runs_trained").asInt(), "a run recorded before the setting is reused");
        ((com.fasterxml.jackson.databind.node.ObjectNode) recorded.at("/identity/config/backbone")).put("output_projection", true);
        json.writeValue(llmEdtRun.toFile(), recorded);
        Result otherSchedule = run(study("insertion", out, "--seeds", "1,2"));
        assertNotEquals(0, otherSchedule.status());
        assertTrue(otherSchedule.err().contains("holds a run with other settings"), otherSchedule.err());
        Files.write(llmEdtRun, original);

        // A run recorded with the older data fingerprint (interactions only) is reused; any other fingerprint is not.
        Path one = before.keySet().iterator().next();
        JsonNode stored = json.readTree(one.toFile());
        String older = new dev.llmedt.data.LlmcdsrReader(data).read().interactionsFingerprint();
        ((com.fasterxml.jackson.databind.node.ObjectNode) stored.path("identity")).put("dataset_fingerprint", older);
        json.writeValue(one.toFile(), stored);
        Result olderRun = run(study("insertion", out, "--seeds", "1,2"));
        assertEquals(0, olderRun.status(), olderRun.err());
        assertEquals(0, table(out, "insertion").path("runs_trained").asInt(), "a run with the older fingerprint is reused");
        ((com.fasterxml.jackson.databind.node.ObjectNode) stored.path("identity")).put("dataset_fingerprint", "0".repeat(64));
        json.writeValue(one.toFile(), stored);
        Result otherData = run(study("insertion", out, "--seeds", "1,2"));
        assertNotEquals(0, otherData.status());
        assertTrue(otherData.err().contains("holds a run with other settings"), otherData.err());

        Result other = run("experiment", "--study", "insertion", "--data", data.toString(), "--out", out.toString(), "--embeddings",
                embeddings.toString(), "--cache", cache.toString(), "--max-epochs", "1,1", "--dim", "8", "--seeds", "1");
        assertNotEquals(0, other.status());
        assertTrue(other.err().contains("holds a run with other settings"), other.err());
    }

    @Test
    void coldStartSensitivityAndCostShareRuns() throws Exception {
        Path runs = dir.resolve("shared-runs");
        Path cold = dir.resolve("cold-start");
        Result c = run(study("cold-start", cold, "--seeds", "3", "--runs", runs.toString()));
        assertEquals(0, c.status(), c.err());
        JsonNode ct = table(cold, "cold-start");
        assertEquals(List.of("sasrec", "llm-edt", "sasrec", "llm-edt", "sasrec", "llm-edt"), column(ct, "method"));
        int coldUsers = ct.at("/rows/0/n_test").asInt();
        int rest = ct.at("/rows/2/n_test").asInt();
        assertEquals(TEST_USERS, coldUsers + rest, "cold and the rest partition the test users");
        assertEquals(TEST_USERS, ct.at("/rows/4/n_test").asInt());
        assertTrue(coldUsers > 0 && rest > 0, "both groups exist on the synthetic data: " + coldUsers);
        assertEquals(2, ct.path("runs_trained").asInt());

        Path sens = dir.resolve("sensitivity");
        Result s = run(study("sensitivity", sens, "--seeds", "3", "--runs", runs.toString()));
        assertEquals(0, s.status(), s.err());
        JsonNode st = table(sens, "sensitivity");
        assertEquals(List.of("defaults", "adapter size", "adapter size", "beta", "beta", "beta", "augmenter defaults", "tau", "tau", "K", "K"),
                column(st, "parameter"));
        assertEquals(1, st.path("runs_reused").asInt(), "LLM-EDT defaults come from the cold-start study");
        assertEquals(10, st.path("runs_trained").asInt());
        JsonNode beta = new ObjectMapper().readTree(runs.resolve("llm-edt-beta0.5-s3").resolve(StudyRunner.RESULT_FILE).toFile());
        JsonNode defaults = new ObjectMapper().readTree(runs.resolve("llm-edt-s3").resolve(StudyRunner.RESULT_FILE).toFile());
        assertTrue(beta.at("/phase_1/reused").asBoolean(false), "phase 2 only: " + beta.path("phase_1"));
        assertEquals(defaults.at("/phase_1/best_valid_ndcg10").asDouble(), beta.at("/phase_1/best_valid_ndcg10").asDouble(),
                "the phase 1 of the defaults' run");
        assertEquals(0.5, beta.at("/config/fine_tuning/alignment_weight").asDouble());
        assertTrue(beta.path("profiles").isObject(), "beta > 0 profiles the users");

        Path cost = dir.resolve("llm-cost");
        Result l = run(study("llm-cost", cost, "--seeds", "3", "--runs", runs.toString(), "--encode-limit", "30", "--profile-users", "100"));
        assertEquals(0, l.status(), l.err());
        JsonNode lt = table(cost, "llm-cost");
        List<String> stages = column(lt, "stage");
        assertEquals(8, stages.size(), stages.toString());
        JsonNode coldItems = lt.at("/rows/0");
        JsonNode cachedItems = lt.at("/rows/1");
        assertEquals(30, coldItems.path("texts_to_model_measured").asInt(), "a fresh cache sends every text to the model");
        assertEquals(0, cachedItems.path("texts_to_model_measured").asInt(), "the second pass is answered by the cache");
        assertTrue(coldItems.path("tokens_total").asLong() > coldItems.path("texts_total").asLong(), "more tokens than titles");
        JsonNode augmenterPrompts = lt.at("/rows/4");
        assertEquals("generator: augmenter prompts", augmenterPrompts.path("stage").asText());
        assertTrue(augmenterPrompts.path("llm_calls").asLong() > 0 && augmenterPrompts.path("prompt_tokens").asLong() > 0);
        assertTrue(lt.at("/rows/6/ms_per_user_mean").asDouble() > 0);
        assertTrue(Files.readString(cost.resolve("llm-cost.md")).contains("no endpoint"));
        assertEquals(0, lt.path("runs_trained").asInt(), "scoring reuses the cold-start models");
    }

    @Test
    void dissimilarDomainsReportsItemsWithoutText() throws Exception {
        Path partial = dir.resolve("partial");
        Files.createDirectories(partial);
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.toList()) {
                Files.copy(f, partial.resolve(f.getFileName()));
            }
        }
        List<String> lines = Files.readAllLines(partial.resolve("items_B.tsv"));
        List<String> blank = new ArrayList<>(List.of(lines.get(0)));
        for (String line : lines.subList(1, lines.size())) {
            blank.add(line.substring(0, line.lastIndexOf('\t') + 1));
        }
        Files.write(partial.resolve("items_B.tsv"), blank);
        Path partialEmbeddings = dir.resolve("partial.f32");
        Result e = run("encode", "--data", partial.toString(), "--out", partialEmbeddings.toString(), "--cache", cache.toString());
        assertEquals(0, e.status(), e.err());
        Path out = dir.resolve("dissimilar");
        Result r = run("experiment", "--study", "dissimilar-domains", "--data", partial.toString(), "--out", out.toString(), "--embeddings",
                partialEmbeddings.toString(), "--cache", cache.toString(), "--max-epochs", "1,1", "--dim", "16", "--seeds", "4");
        assertEquals(0, r.status(), r.err());
        JsonNode t = table(out, "dissimilar-domains");
        assertEquals(List.of("SASRec", "LLM-EDT", "LLM-EDT + augmenter"), column(t, "method"));
        assertEquals(blank.size() - 1, t.at("/items_without_text/Kitchen").asInt());
        assertEquals(0, t.at("/items_without_text/Food").asInt());
        assertTrue(t.at("/rows/0/insertions").isNull());
        assertTrue(t.at("/rows/2/users_augmented").asDouble() >= 0);
    }

    @Test
    void headlineCoversBothHoldoutsWithARowPerComponentAndRatiosToSasrec() throws Exception {
        Path out = dir.resolve("headline");
        Result r = run(study("headline", out, "--seeds", "1,2"));
        assertEquals(0, r.status(), r.err());
        JsonNode t = table(out, "headline");
        checkPage(out, t);
        List<String> labels = HeadlineStudy.rows().stream().map(HeadlineStudy.Row::label).toList();
        List<String> expected = new ArrayList<>();
        for (String holdout : List.of("mixed-loo", "published")) {
            for (String label : labels) {
                expected.add(holdout + "/" + label);
            }
        }
        List<String> got = new ArrayList<>();
        for (JsonNode row : t.path("rows")) {
            got.add(row.path("holdout").asText() + "/" + row.path("row").asText());
        }
        assertEquals(expected, got, "every row on both holdouts, mixed-loo first");
        JsonNode sasrec = t.at("/rows/0");
        JsonNode llmEdt = t.at("/rows/1");
        assertEquals("LLM-EDT", llmEdt.path("row").asText());
        assertTrue(sasrec.at("/all_hr10/p_vs").isNull(), "SASRec is compared with nothing");
        assertEquals(1.0, sasrec.at("/all_hr10/ratio_to_sasrec").asDouble(), 1e-12);
        for (String key : List.of("all_hr10", "all_ndcg10", "food_hr10", "food_ndcg10", "kitchen_hr10", "kitchen_ndcg10")) {
            JsonNode cell = llmEdt.path(key);
            double mean = cell.path("mean").asDouble();
            double seeds = (cell.at("/per_seed/0").asDouble() + cell.at("/per_seed/1").asDouble()) / 2;
            assertEquals(seeds, mean, 1e-9, key + ": the mean of the seeds");
            double ref = sasrec.path(key).path("mean").asDouble();
            if (ref > 0) {
                assertEquals(mean / ref, cell.path("ratio_to_sasrec").asDouble(), 1e-9, key + ": the ratio to SASRec");
            }
            double p = cell.path("p_vs").asDouble();
            assertTrue(p >= 0 && p <= 1 || Double.isNaN(p), key + ": a p-value, got " + cell.path("p_vs"));
        }
        assertEquals(llmEdt.at("/food_hr10/users").asInt() + llmEdt.at("/kitchen_hr10/users").asInt(), llmEdt.at("/all_hr10/users").asInt());
        int mixed = t.at("/rows/0/n_test").asInt();
        assertEquals(TEST_USERS, t.at("/rows/" + labels.size() + "/n_test").asInt(), "published: the dataset's own test users");
        assertTrue(mixed > TEST_USERS, "mixed-loo holds out every mixed-domain user: " + mixed);
        assertEquals("--no-fine-tuning", t.at("/rows/2/flags").asText());
        // The schedule rows: SASRec on LLM-EDT's schedule, and LLM-EDT's own runs compared with, and their ratios taken to, it;
        // the row that removes LLM-EDT's schedule trains phase 1 at the reference's constant rate for 40 epochs.
        JsonNode sasrecSchedule = null;
        JsonNode llmEdtVsSchedule = null;
        JsonNode referenceSchedule = null;
        for (JsonNode row : t.path("rows")) {
            if (!row.path("holdout").asText().equals("mixed-loo")) {
                continue;
            }
            if (row.path("row").asText().equals(HeadlineStudy.SASREC_SCHEDULE)) {
                sasrecSchedule = row;
            } else if (row.path("run").asText().equals("llm-edt") && HeadlineStudy.SASREC_SCHEDULE.equals(row.path("versus").asText())) {
                llmEdtVsSchedule = row;
            } else if (row.path("run").asText().equals("reference-schedule")) {
                referenceSchedule = row;
            }
        }
        assertNotNull(sasrecSchedule);
        assertNotNull(llmEdtVsSchedule);
        assertNotNull(referenceSchedule);
        assertEquals("--plateau-patience 3 --plateau-from 25 --max-epochs 60", sasrecSchedule.path("flags").asText());
        assertEquals("--plateau-patience 0 --plateau-from 0 --max-epochs 40,30", referenceSchedule.path("flags").asText());
        assertEquals("LLM-EDT", referenceSchedule.path("versus").asText());
        assertEquals(HeadlineStudy.SASREC_SCHEDULE, llmEdtVsSchedule.path("ratio_to").asText());
        assertEquals(llmEdt.at("/all_hr10/mean").asDouble(), llmEdtVsSchedule.at("/all_hr10/mean").asDouble(), 0,
                "the same runs as the LLM-EDT row");
        double scheduleRef = sasrecSchedule.at("/all_ndcg10/mean").asDouble();
        if (scheduleRef > 0) {
            assertEquals(llmEdtVsSchedule.at("/all_ndcg10/mean").asDouble() / scheduleRef,
                    llmEdtVsSchedule.at("/all_ndcg10/ratio_to_sasrec").asDouble(), 1e-9, "the ratio to SASRec on the same schedule");
        }
        assertEquals("LLM-EDT", t.at("/rows/2/versus").asText());
        Path noPhaseTwo = out.resolve("runs/mixed-loo/no-phase-2-s2/result.json");
        JsonNode result = new ObjectMapper().readTree(noPhaseTwo.toFile());
        assertTrue(result.at("/phase_1/reused").asBoolean(), "phase 1 reused from the LLM-EDT run: " + result.path("phase_1"));
        assertTrue(result.path("phase_2").isNull(), "no phase 2");
        assertTrue(Files.isRegularFile(out.resolve("runs/sasrec-s1/result.json")), "published runs stay at the root of RUNS");
        assertTrue(Files.readString(out.resolve("headline.md")).contains("Built from commit"));
        int trained = t.path("runs_trained").asInt();
        assertEquals(2 * 2 * (labels.size() - 1), trained, "every row, seed and holdout trained once (the last row is LLM-EDT's runs)");

        Result again = run(study("headline", out, "--seeds", "1,2"));
        assertEquals(0, again.status(), again.err());
        assertEquals(0, table(out, "headline").path("runs_trained").asInt(), "a finished study is read back");

        // Another encoder's item embeddings: one more row per file, trained on both holdouts; the other rows are read back.
        Path other = dir.resolve("other-encoder.f32");
        Result encoded = run("encode", "--data", data.toString(), "--out", other.toString(), "--cache", cache.toString(), "--template",
                "{title}. {title}");
        assertEquals(0, encoded.status(), encoded.err());
        Result extra = run(study("headline", out, "--seeds", "1,2", "--embeddings-row", "other=" + other, "--row",
                "lr=--fine-tuning-lr 3e-3"));
        assertEquals(0, extra.status(), extra.err());
        JsonNode withRow = table(out, "headline");
        assertEquals(2 * 2 * 2, withRow.path("runs_trained").asInt(), "only the new rows trained, on both holdouts and seeds");
        List<String> rows = new ArrayList<>();
        for (JsonNode row : withRow.path("rows")) {
            rows.add(row.path("holdout").asText() + "/" + row.path("row").asText());
        }
        assertTrue(rows.contains("mixed-loo/+ other item embeddings") && rows.contains("published/+ other item embeddings"), rows.toString());
        JsonNode otherRow = withRow.path("rows").get(rows.indexOf("mixed-loo/+ other item embeddings"));
        assertEquals("LLM-EDT", otherRow.path("versus").asText());
        JsonNode otherRun = new ObjectMapper().readTree(out.resolve("runs/mixed-loo/embeddings-other-s1/result.json").toFile());
        assertEquals("other-encoder.f32", otherRun.at("/identity/embeddings").asText());
        assertEquals("other-encoder.f32", otherRun.at("/identity/settings/embeddings").asText());
        JsonNode llmEdtRun = new ObjectMapper().readTree(out.resolve("runs/mixed-loo/llm-edt-s1/result.json").toFile());
        assertEquals(embeddings.getFileName().toString(), llmEdtRun.at("/identity/embeddings").asText());
        assertTrue(rows.contains("mixed-loo/+ lr (--fine-tuning-lr 3e-3)"), rows.toString());
        JsonNode lrRun = new ObjectMapper().readTree(out.resolve("runs/mixed-loo/row-lr-s2/result.json").toFile());
        assertTrue(lrRun.at("/phase_1/reused").asBoolean(), "a phase-2 setting reuses LLM-EDT's phase 1: " + lrRun.path("phase_1"));
        assertEquals("--fine-tuning-lr 3e-3", lrRun.at("/identity/settings/flags").asText());
    }

    @Test
    void anEmbeddingsRowIsCheckedBeforeAnyTraining() {
        Path out = dir.resolve("embeddings-row-checks");
        Result missing = run(study("headline", out, "--embeddings-row", "bge=" + dir.resolve("absent.f32")));
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("--embeddings-row bge") && missing.err().contains("absent.f32"), missing.err());
        Result badName = run(study("headline", out, "--embeddings-row", "b g e=" + embeddings));
        assertEquals(1, badName.status());
        assertTrue(badName.err().contains("'b g e'"), badName.err());
        Result badFlag = run(study("headline", out, "--row", "x=--fine-tuning-lr -1"));
        assertEquals(1, badFlag.status());
        assertTrue(badFlag.err().contains("--row x") && badFlag.err().contains("-1"), badFlag.err());
        Result fileFlag = run(study("headline", out, "--row", "x=--embeddings a.f32"));
        assertEquals(1, fileFlag.status());
        assertTrue(fileFlag.err().contains("--embeddings names a file"), fileFlag.err());
        Result otherStudy = run(study("insertion", out, "--embeddings-row", "bge=" + embeddings));
        assertEquals(1, otherStudy.status());
        assertTrue(otherStudy.err().contains("headline"), otherStudy.err());
        assertFalse(Files.exists(out.resolve("runs")), "nothing trained");
    }

    @Test
    void aHeadlineRowTakesSettingsFlagsOnly() {
        IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RunSpec.llmEdt("x").withFlags(List.of("--no-such-flag"), null));
        assertTrue(unknown.getMessage().contains("--no-such-flag"), unknown.getMessage());
        IllegalArgumentException file = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RunSpec.llmEdt("x").withFlags(List.of("--embeddings", "a.f32"), null));
        assertTrue(file.getMessage().contains("flag --embeddings names a file"), file.getMessage());
        IllegalArgumentException sasrec = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new RunSpec("s", true, null, Map.of(), null, List.of("--augmenter"), null));
        assertTrue(sasrec.getMessage().contains("SASRec takes no"), sasrec.getMessage());
    }

    @Test
    void badStudyOrSeedsSayWhatIsWrong() {
        Result name = run("experiment", "--study", "ablation", "--data", data.toString(), "--out", dir.resolve("bad").toString());
        assertNotEquals(0, name.status());
        assertTrue(name.err().contains("--study must be one of [headline, insertion, cold-start, sensitivity, dissimilar-domains, llm-cost], got "
                + "'ablation'"), name.err());
        Result seeds = run("experiment", "--study", "insertion", "--data", data.toString(), "--out", dir.resolve("bad").toString(),
                "--seeds", "42,x");
        assertNotEquals(0, seeds.status());
        assertTrue(seeds.err().contains("--seeds takes whole numbers separated by commas, e.g. 42,43,44; got '42,x'"), seeds.err());
        Result twice = run("experiment", "--study", "insertion", "--data", data.toString(), "--out", dir.resolve("bad").toString(),
                "--seeds", "42,42");
        assertTrue(twice.err().contains("--seeds lists seed 42 twice"), twice.err());
    }
}
