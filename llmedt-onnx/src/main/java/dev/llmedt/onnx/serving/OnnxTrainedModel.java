package dev.llmedt.onnx.serving;

import dev.llmedt.ScoredItem;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.model.Provenance;
import dev.llmedt.onnx.OnnxRecommender;
import dev.llmedt.serving.TrainedModel;
import java.util.List;

/** An ONNX export opened as a {@link TrainedModel}: every call goes to its {@link OnnxRecommender}. */
final class OnnxTrainedModel implements TrainedModel {

    private final OnnxRecommender onnx;
    private final String kind;
    private final Provenance provenance;

    OnnxTrainedModel(OnnxRecommender onnx, String kind, Provenance provenance) {
        this.onnx = onnx;
        this.kind = kind;
        this.provenance = provenance;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public List<Domain> domains() {
        return onnx.domains();
    }

    @Override
    public boolean scores(Domain domain) {
        return onnx.scores(domain);
    }

    @Override
    public Provenance provenance() {
        return provenance;
    }

    @Override
    public void score(History history, Domain target, float[] scores) {
        onnx.score(history, target, scores);
    }

    @Override
    public void scoreBatch(List<History> histories, Domain target, float[][] scores) {
        onnx.scoreBatch(histories, target, scores);
    }

    @Override
    public List<ScoredItem> recommend(History history, Domain target, int k) {
        return onnx.recommend(history, target, k);
    }

    @Override
    public List<List<ScoredItem>> recommendBatch(List<History> histories, Domain target, int k) {
        return onnx.recommendBatch(histories, target, k);
    }

    @Override
    public void close() {
        onnx.close();
    }

    @Override
    public String toString() {
        return onnx.toString();
    }
}
