package dev.llmedt.dualphase;

import dev.llmedt.engine.TensorLayout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.data.Domain;
import dev.llmedt.engine.ItemTower;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.model.Provenance;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends items to a domain of a trained LLM-EDT model from their text embeddings: each embedding
 * goes through the model's PCA (when it has one) and its item adapter (the domain's, with one
 * adapter per domain), and the result becomes the item's vector, at the end of the domain. The
 * ID part of a hybrid model is zero for new items (they were never trained). Item ids of the
 * later domains move up by the number of new items.
 */
final class NewItems {

    private NewItems() {
    }

    static LlmEdtModel append(DualPhaseModel model, Domain domain, float[][] embeddings) {
        JsonNode itemText = model.itemText();
        if (itemText.isNull() || itemText.isMissingNode()) {
            throw new IllegalStateException("the model uses the id item representation: its items have no text part, so new items "
                    + "cannot get vectors without retraining (use the llm or hybrid representation)");
        }
        List<Domain> domains = model.domains();
        if (domain.index() >= domains.size() || !domains.get(domain.index()).equals(domain)) {
            throw new IllegalArgumentException("domain " + domain + " is not one of the model's domains " + domains);
        }
        if (embeddings.length == 0) {
            throw new IllegalArgumentException("no new items: give at least one text embedding");
        }
        int dimension = itemText.path("dimension").asInt();
        for (int i = 0; i < embeddings.length; i++) {
            checkEmbedding(embeddings[i], i, dimension, itemText.path("model_id").asText());
        }
        ParameterSet old = model.parameters();
        String adapter = adapterOf(old, domain);
        float[][] vectors = vectors(old, adapter, embeddings);

        int n = embeddings.length;
        int insertAt = domain.endItem() + 1; // table row of the first new item
        List<Domain> grown = new ArrayList<>(domains.size());
        for (Domain d : domains) {
            if (d.index() < domain.index()) {
                grown.add(d);
            } else if (d.index() == domain.index()) {
                grown.add(new Domain(d.index(), d.name(), d.firstItem(), d.size() + n));
            } else {
                grown.add(new Domain(d.index(), d.name(), d.firstItem() + n, d.size()));
            }
        }
        ParameterSet set = new ParameterSet();
        for (Parameter p : old.list()) {
            if (p.name().equals(SasRecNetwork.ITEMS)) {
                set.add(insertRows(p, insertAt, vectors));
            } else if (p.name().equals(ItemTower.ID_TABLE)) {
                set.add(insertRows(p, insertAt, new float[n][p.cols()]));
            } else {
                set.add(p); // shared: a trained model's tensors are not changed any more
            }
        }
        ObjectNode provenance = (ObjectNode) model.provenance().json();
        ArrayNode added = provenance.has("added_items") ? (ArrayNode) provenance.get("added_items") : provenance.putArray("added_items");
        ObjectNode entry = added.addObject();
        entry.put("domain", domain.name());
        entry.put("first_item", domain.endItem());
        entry.put("count", n);
        entry.put("adapter", adapter);
        return new DualPhaseModel(model.config(), grown, set, model.fineTuned(), model.domainThreadsUsed(), itemText, Provenance.fromJson(provenance));
    }

    /** The prefix of the item adapter of the domain's items. */
    private static String adapterOf(ParameterSet set, Domain domain) {
        String perDomain = TensorLayout.itemAdapter(domain.index());
        if (set.contains(perDomain + "0.weight")) {
            return perDomain;
        }
        if (set.contains(ItemTower.ADAPTER + "0.weight")) {
            return ItemTower.ADAPTER;
        }
        throw new IllegalStateException("the model has no item adapter (" + ItemTower.ADAPTER + "0.weight or " + perDomain
                + "0.weight): it was saved without its item representation");
    }

    /**
     * The adapted text vector of each embedding, after the model's PCA when it has one, computed by
     * the item tower that computed the trained items' vectors (so a copied text gives the same bits).
     */
    private static float[][] vectors(ParameterSet set, String adapter, float[][] embeddings) {
        int n = embeddings.length;
        float[][] features = new float[n + 1][];
        boolean pca = set.contains(TensorLayout.PCA_COMPONENTS);
        for (int i = 0; i < n; i++) {
            float[] x = embeddings[i];
            if (pca) {
                float[][] components = set.get(TensorLayout.PCA_COMPONENTS).value();
                x = new float[components.length];
                TextFeatures.project(embeddings[i], set.get(TensorLayout.PCA_MEAN).vectorValue(), components, x);
            }
            features[i + 1] = x;
        }
        int featureWidth = set.get(adapter + "0.weight").cols();
        if (features[1].length != featureWidth) {
            throw new IllegalStateException("the item adapter " + adapter + " takes features of width " + featureWidth + ", the "
                    + "embeddings give " + features[1].length);
        }
        features[0] = new float[featureWidth];
        boolean[] usesText = new boolean[n + 1];
        java.util.Arrays.fill(usesText, 1, n + 1, true);
        int width = set.get(adapter + "1.weight").rows();
        ItemTower tower = new ItemTower(set, ItemTower.ID_TABLE, features, usesText, new boolean[n + 1], null, new String[] {adapter},
                width, Math.min(n, 4096));
        float[][] table = new float[n + 1][width];
        tower.materialize(table);
        return java.util.Arrays.copyOfRange(table, 1, n + 1);
    }

    /** A copy of a row table with {@code rows} inserted before row {@code at}. */
    private static Parameter insertRows(Parameter p, int at, float[][] rows) {
        Parameter grown = p.sparse() ? Parameter.table(p.name(), p.rows() + rows.length, p.cols())
                : Parameter.matrix(p.name(), p.rows() + rows.length, p.cols());
        float[][] from = p.value();
        float[][] to = grown.value();
        for (int r = 0; r < p.rows(); r++) {
            System.arraycopy(from[r], 0, to[r < at ? r : r + rows.length], 0, p.cols());
        }
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(rows[k], 0, to[at + k], 0, p.cols());
        }
        return grown;
    }

    private static void checkEmbedding(float[] v, int index, int dimension, String modelId) {
        if (v == null || v.length != dimension) {
            throw new IllegalArgumentException("text embedding " + index + " has " + (v == null ? "no values" : v.length + " values")
                    + "; the model's items were embedded by " + modelId + " with " + dimension);
        }
        double norm = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("text embedding " + index + " holds a NaN or infinite value");
            }
            norm += (double) x * x;
        }
        if (norm == 0) {
            throw new IllegalArgumentException("text embedding " + index + " is zero (an item without text): a new item needs text");
        }
    }
}
