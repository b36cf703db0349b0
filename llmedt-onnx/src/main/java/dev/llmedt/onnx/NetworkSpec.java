package dev.llmedt.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.data.Domain;
import dev.llmedt.model.ModelFile;
import java.util.List;
import java.util.function.Function;

/**
 * What the export needs to know about a trained SASRec-family recommender: the backbone's shape,
 * the domains, which ones it scores, whether it has LLM-EDT domain threads, and its tensors by
 * their model-file names.
 *
 * @param kind the model file kind ({@code sasrec} or {@code llm-edt})
 * @param onlyDomain the one domain of a single-domain SASRec model (its item table holds that
 *     domain's items only and other domains' items are dropped from histories), else null
 * @param domainThreads whether the score adds an LLM-EDT domain thread of the target domain
 * @param domainGates per domain, the factor of its thread's vector (its learned gate, 0 for a thread
 *     the model does not use), or null when every thread counts as it is
 * @param tensors returns a tensor by name (fails naming the missing tensor)
 * @param config the model's configuration, for the metadata
 * @param provenance the model's provenance, for the metadata
 */
record NetworkSpec(String kind, int dim, int heads, int blocks, int maxLength, float layerNormEps, List<Domain> domains,
        Domain onlyDomain, boolean domainThreads, float[] domainGates, boolean outputProjection, Function<String, ModelFile.Tensor> tensors,
        JsonNode config, JsonNode provenance) {

    NetworkSpec {
        domains = List.copyOf(domains);
        if (onlyDomain != null && domainThreads) {
            throw new IllegalArgumentException("a single-domain model has no domain threads");
        }
    }

    /** The first global item id of the item table (row 1); row 0 is padding. */
    int tableFirstItem() {
        return onlyDomain == null ? 0 : onlyDomain.firstItem();
    }

    /** Returns whether the model scores the domain. */
    boolean scores(Domain domain) {
        return onlyDomain == null || onlyDomain.equals(domain);
    }

    ModelFile.Tensor tensor(String name) {
        return tensors.apply(name);
    }
}
