package dev.llmedt.examples;

import dev.llmedt.data.AmazonReviewsReader;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Holdout;
import dev.llmedt.data.LlmcdsrReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options that say which dataset to read: a directory, or Amazon review dumps. */
public final class DataOptions {

    @Option(names = "--data", paramLabel = "DIR",
            description = "Dataset directory: the LLMCDSR layout (num.txt, items_A.tsv, train_A.txt, ...) "
                    + "or interactions.csv + items.csv (or .tsv).")
    Path data;

    @Option(names = "--domain-names", split = ",", paramLabel = "NAME",
            description = "Display names of the LLMCDSR domains in file order (A,B,...), e.g. Food,Kitchen. Default: the letters.")
    List<String> domainNames = List.of();

    @Option(names = "--amazon", paramLabel = "NAME=REVIEWS,META",
            description = "Instead of --data: one domain from Amazon review dumps (JSON Lines, optionally .gz), "
                    + "e.g. Food=reviews_Grocery.json.gz,meta_Grocery.json.gz; repeat per domain.")
    List<String> amazon = List.of();

    @Option(names = "--k-core", paramLabel = "USER,ITEM", split = ",",
            description = "With --amazon: iterative k-core, minimum interactions per user and per item, e.g. 5,5.")
    List<Integer> kCore = List.of();

    @Option(names = "--time-window", paramLabel = "FROM,TO", split = ",",
            description = "With --amazon: keep reviews with FROM <= unixReviewTime < TO (unix seconds).")
    List<Long> timeWindow = List.of();

    @Option(names = "--holdout", paramLabel = "published|mixed-loo", converter = HoldoutConverter.class,
            description = "Which users are held out: published (the dataset's own validation and test users, the default) or "
                    + "mixed-loo (leave-one-out over every user with a mixed-domain history of at least 3 items: "
                    + "9,398 validation and 9,398 test cases on food-kitchen).")
    Holdout holdout = Holdout.PUBLISHED;

    /** Picocli converter for {@link Holdout}. */
    public static final class HoldoutConverter implements CommandLine.ITypeConverter<Holdout> {
        @Override
        public Holdout convert(String value) {
            return Holdout.parse(value);
        }
    }

    CdsrDataset read() throws IOException {
        return holdout.apply(readAsShipped());
    }

    private CdsrDataset readAsShipped() throws IOException {
        if (!amazon.isEmpty()) {
            if (data != null) {
                throw new IllegalArgumentException("give either --data or --amazon, not both");
            }
            return readAmazon();
        }
        if (!kCore.isEmpty() || !timeWindow.isEmpty()) {
            throw new IllegalArgumentException("--k-core and --time-window apply to --amazon dumps only");
        }
        if (data == null) {
            throw new IllegalArgumentException("missing --data DIR (or --amazon NAME=REVIEWS,META)");
        }
        if (Files.isRegularFile(data.resolve("num.txt"))) {
            return new LlmcdsrReader(data, domainNames).read();
        }
        if (!domainNames.isEmpty()) {
            throw new IllegalArgumentException("--domain-names applies to the LLMCDSR layout only; " + data
                    + " names its domains in its files");
        }
        return CdsrDataset.read(data);
    }

    private CdsrDataset readAmazon() throws IOException {
        AmazonReviewsReader.Builder builder = AmazonReviewsReader.builder();
        for (String spec : amazon) {
            int eq = spec.indexOf('=');
            String[] files = eq < 0 ? new String[0] : spec.substring(eq + 1).split(",", -1);
            if (eq <= 0 || files.length != 2 || files[0].isBlank() || files[1].isBlank()) {
                throw new IllegalArgumentException("--amazon must look like NAME=REVIEWS,META, got '" + spec + "'");
            }
            builder.domain(spec.substring(0, eq), Path.of(files[0]), Path.of(files[1]));
        }
        if (!kCore.isEmpty()) {
            if (kCore.size() != 2) {
                throw new IllegalArgumentException("--k-core takes USER,ITEM, got " + kCore);
            }
            builder.kCore(kCore.get(0), kCore.get(1));
        }
        if (!timeWindow.isEmpty()) {
            if (timeWindow.size() != 2) {
                throw new IllegalArgumentException("--time-window takes FROM,TO, got " + timeWindow);
            }
            builder.timeWindow(timeWindow.get(0), timeWindow.get(1));
        }
        return builder.build().read();
    }
}
