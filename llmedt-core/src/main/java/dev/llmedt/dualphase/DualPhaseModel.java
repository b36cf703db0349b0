package dev.llmedt.dualphase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.Recommender;
import dev.llmedt.ScoredItem;
import dev.llmedt.check.Require;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.engine.BlockScorer;
import dev.llmedt.engine.ItemScoring;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.ParameterTensors;
import dev.llmedt.engine.ResidualAdapter;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.engine.ScoreArguments;
import dev.llmedt.engine.TensorLayout;
import dev.llmedt.engine.ScreeningTable;
import dev.llmedt.engine.TopKScoring;
import dev.llmedt.model.ModelFile;
import dev.llmedt.model.Provenance;
import dev.llmedt.output.WriteOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The pure-Java {@link LlmEdtModel}: phase-1 backbone, domain threads and item table (see the interface). */
final class DualPhaseModel implements LlmEdtModel, BlockScorer {

    static final String KIND = "llm-edt";
    private static final Logger LOG = LoggerFactory.getLogger(DualPhaseModel.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DualPhaseConfig config;
    private final List<Domain> domains;
    private final int itemCount;
    private final ParameterSet parameters;
    private final SasRecShape shape;
    private final boolean fineTuned;
    /** Per domain, whether its thread is part of the score (phase 2 kept only where it beat phase 1 on validation). */
    private final boolean[] threadUsed;
    private final JsonNode itemText;
    private final Provenance provenance;
    private final UserBatches batches;
    private final java.util.concurrent.atomic.AtomicBoolean warnedWithoutProfiles = new java.util.concurrent.atomic.AtomicBoolean();

    DualPhaseModel(DualPhaseConfig config, List<Domain> domains, ParameterSet parameters, boolean fineTuned, JsonNode itemText,
            Provenance provenance) {
        this(config, domains, parameters, fineTuned, null, itemText, provenance);
    }

    /**
     * @param threadUsed per domain, whether its thread is in the score; null: every domain's when fine-tuned
     */
    DualPhaseModel(DualPhaseConfig config, List<Domain> domains, ParameterSet parameters, boolean fineTuned, boolean[] threadUsed,
            JsonNode itemText, Provenance provenance) {
        this.config = config;
        this.domains = List.copyOf(domains);
        this.itemCount = this.domains.get(this.domains.size() - 1).endItem();
        this.parameters = parameters;
        this.shape = shapeOf(config, itemCount);
        this.fineTuned = fineTuned;
        if (threadUsed != null && threadUsed.length != this.domains.size()) {
            throw new IllegalArgumentException(threadUsed.length + " domain-thread flags for " + this.domains.size() + " domains");
        }
        this.threadUsed = new boolean[this.domains.size()];
        for (int d = 0; d < this.threadUsed.length; d++) {
            this.threadUsed[d] = fineTuned && (threadUsed == null || threadUsed[d]);
        }
        this.itemText = itemText == null ? JSON.nullNode() : itemText.deepCopy();
        this.provenance = java.util.Objects.requireNonNull(provenance, "provenance");
        this.batches = new UserBatches(config, this.domains, parameters, shape, this.threadUsed, scoresWithProfiles());
    }

    static SasRecShape shapeOf(DualPhaseConfig c, int items) {
        BackboneConfig b = c.backbone();
        return new SasRecShape(items + 1, b.dim(), b.blocks(), b.heads(), b.maxLength(), (float) b.dropout(), (float) b.layerNormEps());
    }

    /** The gate parameter of domain {@code d} when the configuration has gates, else null. */
    static String gateOf(DualPhaseConfig c, int d) {
        return c.fineTuning().domainGate() ? TensorLayout.domainGate(d) : null;
    }

    /** Adds the phase-2 parameters of every domain (zero) to a set. */
    static void addDomainThreads(ParameterSet set, DualPhaseConfig c, int domainCount) {
        int dim = c.backbone().dim();
        for (int d = 0; d < domainCount; d++) {
            set.add(Parameter.matrix(TensorLayout.domainPositions(d), c.backbone().maxLength(), dim));
            ResidualAdapter.addParameters(set, TensorLayout.domainAdapter(d), dim, c.fineTuning().adapterSize());
            if (c.fineTuning().domainGate()) {
                set.add(Parameter.vector(TensorLayout.domainGate(d), 1));
            }
        }
    }

    @Override
    public DualPhaseConfig config() {
        return config;
    }

    @Override
    public List<Domain> domains() {
        return domains;
    }

    @Override
    public boolean fineTuned() {
        return fineTuned;
    }

    @Override
    public boolean usesDomainThread(Domain domain) {
        checkTarget(domain);
        return threadUsed[domain.index()];
    }

    /** Returns a view over the same parameters whose score uses the domain threads flagged (training-time selection). */
    DualPhaseModel withDomainThreads(boolean[] used) {
        return new DualPhaseModel(config, domains, parameters, fineTuned, used, itemText, provenance);
    }

    /** Returns a copy of the per-domain thread flags. */
    boolean[] domainThreadsUsed() {
        return threadUsed.clone();
    }

    @Override
    public JsonNode itemText() {
        return itemText.deepCopy();
    }

    @Override
    public Provenance provenance() {
        return provenance;
    }

    @Override
    public void score(History history, Domain target, float[] scores) {
        scoreBatch(List.of(history), target, new float[][] {scores});
    }

    @Override
    public boolean scoresWithProfiles() {
        return fineTuned && config.fineTuning().profileInScore();
    }

    @Override
    public Recommender withProfiles(ProfileSource source) {
        java.util.Objects.requireNonNull(source, "source");
        return new WithProfiles(source);
    }

    /**
     * This model scoring with a profile source: full rows, streamed top-k and streamed ranking
     * alike, each batch of histories profiled once.
     */
    private final class WithProfiles implements Recommender, BlockScorer {
        private final ProfileSource source;

        WithProfiles(ProfileSource source) {
            this.source = source;
        }

        private float[][] profiles(List<History> histories) {
            return scoresWithProfiles() ? source.vectors(histories) : null;
        }

        @Override
        public void score(History history, Domain target, float[] scores) {
            scoreBatch(List.of(history), target, new float[][] {scores});
        }

        @Override
        public void scoreBatch(List<History> histories, Domain target, float[][] scores) {
            DualPhaseModel.this.scoreBatch(histories, target, scores, profiles(histories));
        }

        @Override
        public List<ScoredItem> recommend(History history, Domain target, int k) {
            return recommendBatch(List.of(history), target, k).get(0);
        }

        @Override
        public List<List<ScoredItem>> recommendBatch(List<History> histories, Domain target, int k) {
            return select(histories, target, k, profiles(histories));
        }

        @Override
        public void scoreBlocks(List<History> histories, Domain target, int[] pinned, TopKScoring.Sink sink) {
            streamScores(histories, target, pinned, sink, profiles(histories));
        }
    }

    @Override
    public void scoreBatch(List<History> histories, Domain target, float[][] scores) {
        warnWithoutProfiles();
        scoreBatch(histories, target, scores, null);
    }

    /**
     * Without a profile source a model that adds the profile to its score scores every user as one
     * without a profile (the profile term is zero, as for a user whose profile vector is zero), and
     * says so once per model.
     */
    private void warnWithoutProfiles() {
        if (scoresWithProfiles() && warnedWithoutProfiles.compareAndSet(false, true)) {
            LOG.warn("this LLM-EDT model adds the user's profile to its score, but it is scoring without profiles: every user is "
                    + "scored as one without a profile; score through withProfiles(source), with a profile source made like its "
                    + "training profiles ({}), for its full scores", provenance.at("/profiles/encoder").asText());
        }
    }

    @Override
    public void scoreBatch(List<History> histories, Domain target, float[][] scores, float[][] profiles) {
        checkTarget(target);
        requireProfiles(histories, profiles);
        ScoreArguments.requireScoreRows(histories, target, scores);
        ScoreArguments.requireKnownItems(histories, itemCount);
        batches.forEach(histories, target, profiles, (users, from, n, table) ->
                ItemScoring.scoreUsers(users, n, shape.dim(), table, target.size(), scores, from));
    }

    /**
     * The same items and scores as the default (score every item, then select): the history's top
     * k by {@link #recommendBatch}, which screens the items on a compact copy of the item table and
     * scores exactly only those that can be in the top k.
     */
    @Override
    public List<ScoredItem> recommend(History history, Domain target, int k) {
        return recommendBatch(List.of(history), target, k).get(0);
    }

    /**
     * The same items and scores as scoring every item and then selecting, without storing any
     * user's full score row: each batch of users is scored and selected block by block of items.
     */
    @Override
    public List<List<ScoredItem>> recommendBatch(List<History> histories, Domain target, int k) {
        warnWithoutProfiles();
        return select(histories, target, k, null);
    }

    /** Streams the scores of {@link #scoreBatch} block by block (module-internal: full-ranking evaluation uses it). */
    @Override
    public void scoreBlocks(List<History> histories, Domain target, int[] pinned, TopKScoring.Sink sink) {
        warnWithoutProfiles();
        streamScores(histories, target, pinned, sink, null);
    }

    private List<List<ScoredItem>> select(List<History> histories, Domain target, int k, float[][] profiles) {
        Require.atLeast("k", k, 1);
        checkTarget(target);
        requireProfiles(histories, profiles);
        ScoreArguments.requireKnownItems(histories, itemCount);
        List<List<ScoredItem>> out = new ArrayList<>(histories.size());
        ScreeningTable screen = batches.screen(target);
        batches.forEach(histories, target, profiles, (users, from, n, table) -> {
            int[][] seen = new int[n][];
            for (int b = 0; b < n; b++) {
                seen[b] = ScoreArguments.localItemsIn(histories.get(from + b), target);
            }
            for (TopKScoring.Selection t : TopKScoring.select(users, n, shape.dim(), table, screen, target.size(), seen, k, target.firstItem())) {
                List<ScoredItem> list = new ArrayList<>(t.items().length);
                for (int i = 0; i < t.items().length; i++) {
                    list.add(new ScoredItem(target.firstItem() + t.items()[i], t.scores()[i]));
                }
                out.add(list);
            }
        });
        return out;
    }

    private void streamScores(List<History> histories, Domain target, int[] pinned, TopKScoring.Sink sink, float[][] profiles) {
        checkTarget(target);
        requireProfiles(histories, profiles);
        ScoreArguments.requireKnownItems(histories, itemCount);
        batches.forEach(histories, target, profiles, (users, from, n, table) ->
                TopKScoring.scoreBlocks(users, n, shape.dim(), table, target.size(), pinned, from, sink));
    }

    private void requireProfiles(List<History> histories, float[][] profiles) {
        if (scoresWithProfiles() && profiles != null && profiles.length < histories.size()) {
            throw new IllegalArgumentException("this model scores with profiles: give one profile vector per history, got "
                    + profiles.length + " for " + histories.size() + " histories");
        }
    }

    private void checkTarget(Domain target) {
        if (target.index() >= domains.size() || !domains.get(target.index()).equals(target)) {
            throw new IllegalArgumentException("domain " + target + " is not one of this model's domains " + domains);
        }
    }

    /** Forgets derived tables and weight snapshots after the shared parameters changed (training-time views only). */
    void parametersChanged() {
        batches.invalidate();
    }

    ParameterSet parameters() {
        return parameters;
    }

    @Override
    public void save(Path file, WriteOption... options) throws IOException {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.set("llm_edt", config.toJson());
        cfg.set("domains", ModelFile.domainsJson(domains));
        cfg.put("fine_tuned", fineTuned);
        if (fineTuned) {
            com.fasterxml.jackson.databind.node.ArrayNode used = cfg.putArray("domain_threads");
            for (boolean u : threadUsed) {
                used.add(u);
            }
        }
        cfg.set("item_text", itemText);
        ModelFile.write(file, KIND, cfg, provenance, ParameterTensors.of(parameters), options);
    }

    @Override
    public LlmEdtModel withNewItems(Domain domain, float[][] textEmbeddings) {
        java.util.Objects.requireNonNull(domain, "domain");
        java.util.Objects.requireNonNull(textEmbeddings, "textEmbeddings");
        return NewItems.append(this, domain, textEmbeddings);
    }

    @Override
    public LlmEdtModel withNewItems(Domain domain, List<String> texts, dev.llmedt.text.TextEncoder encoder) {
        java.util.Objects.requireNonNull(texts, "texts");
        java.util.Objects.requireNonNull(encoder, "encoder");
        String trainedWith = itemText.path("model_id").asText(null);
        if (trainedWith != null && !trainedWith.equals(encoder.modelId())) {
            throw new IllegalArgumentException("the model's items were embedded by '" + trainedWith + "', not by the encoder '"
                    + encoder.modelId() + "': new items need the same encoder");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw new IllegalArgumentException("text " + i + " of the new items is blank: a new item needs text");
            }
        }
        return withNewItems(domain, texts.isEmpty() ? new float[0][] : encoder.encode(texts));
    }

    @Override
    public List<String> tensorNames() {
        return parameters.list().stream().map(Parameter::name).toList();
    }

    @Override
    public ModelFile.Tensor tensor(String name) {
        return ParameterTensors.of(parameters.get(name));
    }

    @Override
    public String toString() {
        return "LlmEdtModel[" + domains + ", " + config.backbone().itemRepresentation().label() + (fineTuned ? ", fine-tuned" : "")
                + ", " + parameters.size() + " values]";
    }
}
