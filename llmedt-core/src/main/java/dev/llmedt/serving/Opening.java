package dev.llmedt.serving;

import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.Recommender;
import dev.llmedt.ScoredItem;
import dev.llmedt.check.Require;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.engine.BlockScorer;
import dev.llmedt.engine.BlockScorers;
import dev.llmedt.engine.TopKScoring;
import dev.llmedt.model.ModelFile;
import dev.llmedt.model.ModelFileException;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.model.Provenance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.function.Predicate;

/** Opens model files for {@link TrainedModel#open}: the Java models here, ONNX exports through their provider. */
final class Opening {

    private Opening() {
    }

    static TrainedModel open(Path file, int threads) throws IOException {
        Require.inRange("threads", threads, 1, 1024);
        if (file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            return onnxOpener(file).open(file, threads);
        }
        String kind = ModelFile.kind(file);
        return switch (kind) {
            case "sasrec" -> {
                SasRecModel m = SasRecModel.load(file);
                yield of(m, kind, m.domains(), m::scores, m.provenance());
            }
            case "llm-edt" -> {
                LlmEdtModel m = LlmEdtModel.load(file);
                if (m.scoresWithProfiles()) {
                    throw new ModelFileException(file, "holds an LLM-EDT model that adds the user's profile to its score; use "
                            + "'evaluate --embeddings' for it (recommend and export-onnx serve models without profileInScore)");
                }
                yield of(m, kind, m.domains(), d -> true, m.provenance());
            }
            default -> throw new ModelFileException(file, "holds a '" + kind + "' model; SASRec and LLM-EDT models (or their .onnx "
                    + "exports) can serve");
        };
    }

    /** Returns the first ONNX opener on the thread's class loader or on this module's, failing with the artifact to add. */
    private static TrainedModel.OnnxOpener onnxOpener(Path file) throws ModelFileException {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : new ClassLoader[] {context, Opening.class.getClassLoader()}) {
            Iterator<TrainedModel.OnnxOpener> openers = ServiceLoader.load(TrainedModel.OnnxOpener.class, loader).iterator();
            if (openers.hasNext()) {
                return openers.next();
            }
        }
        throw new ModelFileException(file, "is an ONNX export, and opening one needs llmedt-onnx: add the artifact "
                + "dev.llmedt:llmedt-onnx to the class or module path");
    }

    private static TrainedModel of(Recommender model, String kind, List<Domain> domains, Predicate<Domain> scores, Provenance provenance) {
        BlockScorer scorer = BlockScorers.of(model);
        return scorer != null ? new StreamedJavaModel(model, scorer, kind, domains, scores, provenance)
                : new JavaModel(model, kind, domains, scores, provenance);
    }

    /** A pure-Java model: every call goes to the loaded model; closing does nothing. */
    private static class JavaModel implements TrainedModel {
        final Recommender model;
        private final String kind;
        private final List<Domain> domains;
        private final Predicate<Domain> scores;
        private final Provenance provenance;

        JavaModel(Recommender model, String kind, List<Domain> domains, Predicate<Domain> scores, Provenance provenance) {
            this.model = model;
            this.kind = kind;
            this.domains = List.copyOf(domains);
            this.scores = scores;
            this.provenance = provenance;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public List<Domain> domains() {
            return domains;
        }

        @Override
        public boolean scores(Domain domain) {
            return scores.test(domain);
        }

        @Override
        public Provenance provenance() {
            return provenance;
        }

        @Override
        public void score(History history, Domain target, float[] scores) {
            model.score(history, target, scores);
        }

        @Override
        public void scoreBatch(List<History> histories, Domain target, float[][] scores) {
            model.scoreBatch(histories, target, scores);
        }

        @Override
        public List<ScoredItem> recommend(History history, Domain target, int k) {
            return model.recommend(history, target, k);
        }

        @Override
        public List<List<ScoredItem>> recommendBatch(List<History> histories, Domain target, int k) {
            return model.recommendBatch(histories, target, k);
        }

        @Override
        public void close() {
            // A Java model holds only heap memory.
        }

        @Override
        public String toString() {
            return kind + " " + model;
        }
    }

    /** A Java model that streams score blocks to the evaluator, as the loaded model does. */
    private static final class StreamedJavaModel extends JavaModel implements BlockScorer {
        private final BlockScorer scorer;

        StreamedJavaModel(Recommender model, BlockScorer scorer, String kind, List<Domain> domains, Predicate<Domain> scores,
                Provenance provenance) {
            super(model, kind, domains, scores, provenance);
            this.scorer = scorer;
        }

        @Override
        public void scoreBlocks(List<History> histories, Domain target, int[] pinned, TopKScoring.Sink sink) {
            scorer.scoreBlocks(histories, target, pinned, sink);
        }
    }
}
