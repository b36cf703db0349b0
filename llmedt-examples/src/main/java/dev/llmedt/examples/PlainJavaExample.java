package dev.llmedt.examples;

import dev.llmedt.dualphase.LlmEdt;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.Split;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import dev.llmedt.ScoredItem;
import dev.llmedt.onnx.OnnxTextEncoder;
import dev.llmedt.text.TextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * LLM-EDT from plain Java, no CLI: read (or generate) a dataset, encode item titles with the
 * embedded encoder, train with {@link LlmEdt#builder()}, evaluate on the test users, recommend for
 * one user and save the model. Run it with
 * {@code java -cp llmedt-examples/target/llmedt.jar dev.llmedt.examples.PlainJavaExample [DATA_DIR]}
 * (without a directory it uses generated data).
 */
public final class PlainJavaExample {

    private PlainJavaExample() {
    }

    /** The figures one run gives. */
    public record Outcome(EvaluationReport test, List<ScoredItem> recommended, Path model) {
    }

    /** Entry point: {@code [DATA_DIR] [MODEL_FILE]}. */
    public static void main(String[] args) throws IOException {
        CdsrDataset data = args.length > 0 ? CdsrDataset.read(Path.of(args[0])) : SyntheticDataset.generate(42);
        Path model = args.length > 1 ? Path.of(args[1]) : Files.createTempFile("llmedt-example", ".llmedt");
        run(data, 200, model);
    }

    /** Trains on {@code data} (at most {@code maxEpochs} per phase), prints what it finds and saves the model to {@code out}. */
    public static Outcome run(CdsrDataset data, int maxEpochs, Path out) throws IOException {
        try (TextEncoder encoder = OnnxTextEncoder.embeddedDefault()) {
            return run(data, encoder, maxEpochs, out);
        }
    }

    /** As {@link #run(CdsrDataset, int, Path)} with the given item-text encoder (such as a cached one). */
    public static Outcome run(CdsrDataset data, TextEncoder encoder, int maxEpochs, Path out) throws IOException {
        LlmEdtModel model = LlmEdt.builder()
                .encoder(encoder)
                .pretraining(p -> p.maxEpochs(maxEpochs))
                .fineTuning(f -> f.maxEpochs(maxEpochs))
                .seed(42)
                .listener(TrainingListener.logging())
                .fit(data);

        EvaluationReport test = Evaluator.of(Protocol.full()).evaluate(model, data, Split.TEST);
        System.out.printf(Locale.ROOT, "test users %d: HR@10 %.4f NDCG@10 %.4f%n", data.test().size(), test.overall().hitRate(10),
                test.overall().ndcg(10));
        for (Domain d : data.domains()) {
            System.out.printf(Locale.ROOT, "  %-10s HR@10 %.4f NDCG@10 %.4f%n", d.name(), test.domain(d).hitRate(10), test.domain(d).ndcg(10));
        }

        EvaluationCase user = data.test().get(0);
        Domain target = data.items().domainOf(user.target());
        List<ScoredItem> top = model.recommend(user.input(), target, 5);
        System.out.println("user " + user.user() + " next in " + target.name() + ":");
        for (ScoredItem s : top) {
            System.out.printf(Locale.ROOT, "  %.3f  %s%n", s.score(), data.items().item(s.item()).title());
        }

        model.save(out);
        System.out.println("model saved to " + out);
        return new Outcome(test, top, out);
    }
}
