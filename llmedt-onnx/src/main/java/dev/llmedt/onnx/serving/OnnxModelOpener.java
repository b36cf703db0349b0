package dev.llmedt.onnx.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.model.ModelFileException;
import dev.llmedt.model.Provenance;
import dev.llmedt.onnx.OnnxExporter;
import dev.llmedt.onnx.OnnxRecommender;
import dev.llmedt.serving.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an ONNX export as a {@link TrainedModel} for {@link TrainedModel#open}: an
 * {@link OnnxRecommender} with the kind and provenance its metadata records. Public only because
 * {@link java.util.ServiceLoader} instantiates it; its package is not exported.
 */
public final class OnnxModelOpener implements TrainedModel.OnnxOpener {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxModelOpener.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Creates the opener (called by {@link java.util.ServiceLoader}). */
    public OnnxModelOpener() {
    }

    @Override
    public TrainedModel open(Path onnxFile, int threads) throws IOException {
        OnnxRecommender onnx = OnnxRecommender.builder(onnxFile).threads(threads).build();
        Provenance provenance;
        try {
            provenance = Provenance.fromJson(JSON.readTree(onnx.metadata().getOrDefault(OnnxExporter.META_PROVENANCE, "{}")));
        } catch (IOException | RuntimeException e) {
            onnx.close();
            throw new ModelFileException(onnxFile, "invalid llmedt.provenance metadata: " + e.getMessage());
        }
        if (provenance.datasetFingerprint() != null && !provenance.recordsCatalog()) {
            LOG.warn("{}: exported before model files recorded their item catalogue: it loads, but recommend cannot check that the "
                    + "data's items are the ones it was trained on (retrain and export again to record it)", onnxFile);
        }
        return new OnnxTrainedModel(onnx, "onnx " + onnx.metadata().get(OnnxExporter.META_KIND), provenance);
    }
}
