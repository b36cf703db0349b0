package dev.llmedt.examples.experiment;

import dev.llmedt.data.Holdout;
import dev.llmedt.eval.Protocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a study works with: the runner (data, shared options, cached runs), the seeds, the
 * study's output folder, the options of the llm-cost study and where to print progress.
 *
 * @param runner trains or reads back runs
 * @param seeds one run per seed for every setting
 * @param out the study's output folder
 * @param cost the llm-cost options
 * @param log progress lines (standard output of the command)
 * @param writer writes the study's files after every row
 * @param holdouts the held-out users of the study's runs ({@link #runner()} is the first's; the headline study uses each)
 * @param flagRows headline: extra rows of LLM-EDT's defaults with other settings (train flags), by row name (insertion order)
 * @param embeddingRows headline: extra rows of LLM-EDT's defaults on other item embeddings, by row name (insertion order)
 */
record StudyContext(StudyRunner runner, List<Long> seeds, Path out, CostOptions cost, PrintWriter log, StudyOutput.Writer writer,
        List<Holdout> holdouts, Map<String, String> flagRows, Map<String, Path> embeddingRows) {

    StudyContext {
        flagRows = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(flagRows));
        embeddingRows = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(embeddingRows));
    }

    /** The protocol sentence of the headline table. */
    static final String PROTOCOL_HEADLINE = "full ranking (" + Protocol.full().label() + "): each test case's target against every item "
            + "of its domain, the user's input items excluded; HR@10 and NDCG@10, mean over seeds; models selected on valid NDCG@10; "
            + "each cell: mean (ratio to SASRec's mean, two-sided paired t-test p over users of the seed-averaged metric against the row "
            + "named in 'vs')";

    /** The protocol sentence of the accuracy tables. */
    static final String PROTOCOL = "full ranking (" + Protocol.full().label() + "): each test user's target against every item of its "
            + "domain, the user's input items excluded; HR@10, NDCG@10; models selected on valid NDCG@10 (all validation users); mean ± "
            + "sample std over seeds; p: two-sided paired t-test and Wilcoxon signed-rank of the users' test NDCG@10 (each user's mean "
            + "over seeds) against the row marked ref";

    /**
     * The options of the llm-cost study.
     *
     * @param encodeLimit items (and profiles) encoded cold and cached; seconds are extrapolated to all
     * @param generator an OpenAI-compatible chat endpoint to time, or null (no endpoint)
     * @param generatorModel the chat model's name at the endpoint
     * @param generatorLimit prompts sent to the endpoint; seconds are extrapolated to all
     * @param scoringUsers test users scored one at a time for the online cost (0 = all)
     * @param profileUsers training users profiled (every k-th) for the profile rows
     */
    record CostOptions(int encodeLimit, URI generator, String generatorModel, int generatorLimit, int scoringUsers, int profileUsers) {
    }

    /** Starts the study's table. */
    StudyOutput open(String title, String protocol, List<String> columns) {
        return new StudyOutput(title, protocol, columns, writer);
    }

    /** The runner of a holdout (shares the study's runs folder and embeddings). */
    StudyRunner runner(Holdout holdout) {
        return runner.withHoldout(holdout);
    }

    /** The runs of one setting, one per seed (trained, or read back from its folder). */
    List<RunResult> runAll(RunSpec spec) throws IOException {
        List<RunResult> runs = new ArrayList<>();
        for (long seed : seeds) {
            runs.add(runner.run(spec, seed));
        }
        return runs;
    }
}
