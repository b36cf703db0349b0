package dev.llmedt.dualphase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.data.Domain;
import dev.llmedt.engine.ItemTower;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.ParameterTensors;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.io.RecordJson;
import dev.llmedt.model.ModelFile;
import dev.llmedt.model.ModelFileException;
import dev.llmedt.model.Provenance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads LLM-EDT model files; what {@link LlmEdtModel#load} and {@link LlmEdtModel#loadPhaseOne}
 * call (use those). The writing side is {@link LlmEdtModel#save}.
 */
final class LlmEdtModelFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LlmEdtModelFiles() {
    }

    /** See {@link LlmEdtModel#load}. */
    static LlmEdtModel load(Path file) throws IOException {
        return read(file);
    }

    /** See {@link LlmEdtModel#loadPhaseOne}. */
    static LlmEdtModel loadPhaseOne(Path file, DualPhaseConfig config) throws IOException {
        return readPhaseOne(file, config);
    }

    /**
     * Reads a model file written by {@link DualPhaseModel#save}.
     *
     * @throws ModelFileException when the file is not a valid LLM-EDT model file (names the file and the problem)
     */
    static DualPhaseModel read(Path file) throws IOException {
        ModelFile.Contents c = ModelFile.read(file);
        if (!DualPhaseModel.KIND.equals(c.kind())) {
            throw new ModelFileException(file, "holds a '" + c.kind() + "' model, not an LLM-EDT model");
        }
        DualPhaseConfig config;
        try {
            config = DualPhaseConfig.fromJson(c.config().path("llm_edt"));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "invalid configuration: " + e.getMessage());
        }
        List<Domain> domains = ModelFile.domains(file, c.config().path("domains"));
        boolean fineTuned = c.config().path("fine_tuned").asBoolean(false);
        boolean[] threadUsed = null; // files written before per-domain selection: every domain's thread
        JsonNode used = c.config().path("domain_threads");
        if (fineTuned && used.isArray()) {
            if (used.size() != domains.size()) {
                throw new ModelFileException(file, "domain_threads has " + used.size() + " flags for " + domains.size() + " domains");
            }
            threadUsed = new boolean[domains.size()];
            for (int d = 0; d < threadUsed.length; d++) {
                threadUsed[d] = used.get(d).asBoolean();
            }
        }
        int items = domains.get(domains.size() - 1).endItem();
        ParameterSet required = new ParameterSet();
        try {
            SasRecShape shape = DualPhaseModel.shapeOf(config, items);
            required.add(Parameter.table(SasRecNetwork.ITEMS, shape.tableRows(), shape.dim()));
            SasRecNetwork.addBackbone(required, shape);
            if (fineTuned) {
                DualPhaseModel.addDomainThreads(required, config, domains.size());
            }
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "invalid configuration: " + e.getMessage());
        }
        ParameterTensors.fill(file, c, required);
        ParameterSet parameters = new ParameterSet();
        Set<String> names = new LinkedHashSet<>(c.tensors().keySet());
        for (Parameter p : required.list()) {
            parameters.add(p);
            names.remove(p.name());
        }
        ParameterSet extra = new ParameterSet(); // item representation, PCA and profile adapters: kept for saving and extension
        for (String name : names) {
            int[] s = c.tensors().get(name).shape();
            extra.add(s.length == 1 ? Parameter.vector(name, s[0]) : Parameter.matrix(name, s[0], s[1]));
        }
        ParameterTensors.fill(file, c, extra);
        for (Parameter p : extra.list()) {
            parameters.add(p);
        }
        return new DualPhaseModel(config, domains, parameters, fineTuned, threadUsed, c.config().path("item_text"), c.provenance());
    }

    /**
     * Loads the phase 1 to reuse for a configuration ({@link DualPhaseInput#withPhaseOne}): an
     * LLM-EDT model file, or a mixed-domain SASRec model file, which is exactly the phase 1 of the
     * {@code id} item representation without augmentation (its item table becomes the ID table).
     *
     * @throws ModelFileException when the file is neither, a single-domain SASRec model, or a SASRec
     *     model whose network differs from the configuration's backbone
     */
    static DualPhaseModel readPhaseOne(Path file, DualPhaseConfig config) throws IOException {
        String kind = ModelFile.kind(file);
        if (DualPhaseModel.KIND.equals(kind)) {
            return read(file);
        }
        if (!"sasrec".equals(kind)) {
            throw new ModelFileException(file, "holds a '" + kind + "' model, neither an LLM-EDT nor a SASRec model");
        }
        ModelFile.Contents c = ModelFile.read(file);
        JsonNode s = RecordJson.snakeKeys(c.config().path("sasrec"));
        if (!s.path("domain").isNull() && !s.path("domain").isMissingNode()) {
            throw new ModelFileException(file, "is a single-domain SASRec model (" + s.path("domain").asText()
                    + "); phase 1 of LLM-EDT is trained on mixed sequences");
        }
        BackboneConfig b = config.backbone();
        if (b.itemRepresentation() != ItemRepresentation.ID || s.path("dim").asInt() != b.dim() || s.path("blocks").asInt() != b.blocks()
                || s.path("heads").asInt() != b.heads() || s.path("max_length").asInt() != b.maxLength()
                || s.path("dropout").asDouble() != b.dropout() || s.path("layer_norm_eps").asDouble() != b.layerNormEps()) {
            throw new ModelFileException(file, "is a SASRec model with " + s + ", which is not the phase 1 of the backbone " + b
                    + " (a SASRec model is the phase 1 of the id representation with the same network)");
        }
        List<Domain> domains = ModelFile.domains(file, c.config().path("domains"));
        ParameterSet parameters = new ParameterSet();
        for (ModelFile.Tensor t : c.tensors().values()) {
            int[] shape = t.shape();
            Parameter p = shape.length == 1 ? Parameter.vector(t.name(), shape[0]) : Parameter.matrix(t.name(), shape[0], shape[1]);
            p.setFlat(t.data());
            parameters.add(p);
        }
        Parameter ids = Parameter.table(ItemTower.ID_TABLE, parameters.get(SasRecNetwork.ITEMS).rows(), b.dim());
        ids.copyFrom(parameters.get(SasRecNetwork.ITEMS));
        parameters.add(ids);
        ObjectNode provenance = (ObjectNode) c.provenance().json();
        ObjectNode training = JSON.createObjectNode();
        training.set("phase_1", provenance.path("training").deepCopy());
        provenance.set("training", training);
        provenance.put("converted_from", "sasrec model " + file.getFileName());
        return new DualPhaseModel(config.withFineTuning(config.fineTuning().toBuilder().enabled(false).build()), domains, parameters, false,
                null, Provenance.fromJson(provenance));
    }
}
