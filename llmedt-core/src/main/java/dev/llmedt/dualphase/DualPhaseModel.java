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
import dev.llmedt.engine.DomainThread;
import dev.llmedt.engine.HistoryWindows;
import dev.llmedt.engine.InferenceBatch;
import dev.llmedt.engine.ItemScoring;
import dev.llmedt.engine.Kernels;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.ParameterTensors;
import dev.llmedt.engine.ProfileAlignment;
import dev.llmedt.engine.ReplicaPool;
import dev.llmedt.engine.ResidualAdapter;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.engine.ScoreArguments;
import dev.llmedt.engine.TensorLayout;
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
    /** The most histories per forward pass (as in SASRec: about 24 MB of activations per network at width 64 and window 50). */
    private static final int BATCH = 32;

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
    private final ReplicaPool<Replica> replicas = new ReplicaPool<>(Replica::new);
    private volatile float[][][] domainTables;
    private final java.util.concurrent.atomic.AtomicBoolean warnedWithoutProfiles = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * One caller's working set: buffers sized to the largest chunk it has run (one window for a
     * single history), grown on demand up to {@link #BATCH} histories. The global network and each
     * domain's thread are made when first needed and remade, with fresh weight snapshots, when the
     * buffers grow; a domain that is never scored costs nothing.
     */
    private final class Replica {
        final InferenceBatch work = new InferenceBatch(shape.maxLength(), shape.dim(), BATCH);
        private SasRecNetwork global;
        private final DomainThread[] threads = new DomainThread[domains.size()];
        private final ProfileAlignment[] projections = new ProfileAlignment[domains.size()];
        private float[][] domainUsers;
        private float[][] profileRows;
        private float[][] projected;

        /** Lays out the first {@code n} windows; drops the networks when the buffers grew. */
        void fill(int n) {
            if (work.fill(n, 1)) {
                global = null;
                java.util.Arrays.fill(threads, null);
            }
        }

        SasRecNetwork global() {
            if (global == null) {
                global = new SasRecNetwork(shape, parameters, work.sequenceCapacity(), work.rowCapacity());
                global.snapshotWeights();
            }
            return global;
        }

        DomainThread thread(int d) {
            if (threads[d] == null) {
                threads[d] = new DomainThread(shape, parameters, TensorLayout.domainPositions(d), TensorLayout.domainAdapter(d),
                        (float) config.fineTuning().adapterDropout(), gateOf(config, d), work.sequenceCapacity(), work.rowCapacity());
                threads[d].snapshotWeights();
            }
            return threads[d];
        }

        float[][] domainUsers() {
            if (domainUsers == null) {
                domainUsers = new float[BATCH][shape.dim()];
            }
            return domainUsers;
        }

        ProfileAlignment projection(int d) {
            if (projections[d] == null) {
                projections[d] = new ProfileAlignment(parameters, TensorLayout.profileAdapter(d), 1, BATCH);
            }
            if (projected == null) {
                profileRows = new float[BATCH][];
                projected = new float[BATCH][shape.dim()];
            }
            return projections[d];
        }
    }

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
    }

    static SasRecShape shapeOf(DualPhaseConfig c, int items) {
        BackboneConfig b = c.backbone();
        return new SasRecShape(items + 1, b.dim(), b.blocks(), b.heads(), b.maxLength(), (float) b.dropout(), (float) b.layerNormEps());
    }

    /** The gate parameter of domain {@code d} when the configuration has gates, else null. */
    static String gateOf(DualPhaseConfig c, int d) {
        return c.fineTuning().domainGate() ? TensorLayout.domainGate(d) : null;
    }

    /** The parameter prefix of domain {@code d}'s profile adapter. */

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
        forEachUserBatch(histories, target, profiles, (users, from, n, table) ->
                ItemScoring.scoreUsers(users, n, shape.dim(), table, target.size(), scores, from));
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
        forEachUserBatch(histories, target, profiles, (users, from, n, table) -> {
            int[][] seen = new int[n][];
            for (int b = 0; b < n; b++) {
                seen[b] = ScoreArguments.localItemsIn(histories.get(from + b), target);
            }
            for (TopKScoring.Selection t : TopKScoring.select(users, n, shape.dim(), table, target.size(), seen, k, target.firstItem())) {
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
        forEachUserBatch(histories, target, profiles, (users, from, n, table) ->
                TopKScoring.scoreBlocks(users, n, shape.dim(), table, target.size(), pinned, from, sink));
    }

    private void requireProfiles(List<History> histories, float[][] profiles) {
        if (scoresWithProfiles() && profiles != null && profiles.length < histories.size()) {
            throw new IllegalArgumentException("this model scores with profiles: give one profile vector per history, got "
                    + profiles.length + " for " + histories.size() + " histories");
        }
    }

    /** What is done with one batch's user vectors: {@code users[0, n)} are those of the histories {@code [from, from + n)}. */
    private interface UserBatch {
        void accept(float[][] users, int from, int n, float[][] table);
    }

    /**
     * Runs the networks on the histories in batches of {@link #BATCH} on one borrowed replica and
     * hands each batch's user vectors (global thread, plus the target's domain thread where it is
     * used, plus the projected profile when the model scores with profiles), with the target
     * domain's item table, to {@code use}: scoring, top-k and streamed ranking share this loop.
     */
    private void forEachUserBatch(List<History> histories, Domain target, float[][] profiles, UserBatch use) {
        float[][] table = tables()[target.index()];
        replicas.run(r -> {
            for (int from = 0; from < histories.size(); from += BATCH) {
                int n = Math.min(BATCH, histories.size() - from);
                use.accept(userVectors(r, histories, target, profiles, from, n), from, n, table);
            }
        });
    }

    /** The user vectors of the histories {@code [from, from + n)} (rows {@code [0, n)}). */
    private float[][] userVectors(Replica r, List<History> histories, Domain target, float[][] profiles, int from, int n) {
        int d = shape.dim();
        int[][] windows = r.work.windows(n);
        for (int b = 0; b < n; b++) {
            windows[b] = histories.get(from + b).toArray();
        }
        r.fill(n);
        float[][] hidden = null; // only empty histories: no pass
        if (r.work.batch().sequences > 0) {
            r.global().forward(r.work.batch(), false);
            hidden = r.global().hidden();
        }
        float[][] users = r.work.users(n);
        HistoryWindows.lastHidden(hidden, d, r.work.lastRow(), n, SasRecNetwork.emptyHistoryHidden(parameters), users);
        if (threadUsed[target.index()]) {
            for (int b = 0; b < n; b++) {
                windows[b] = histories.get(from + b).restrictTo(target).toArray();
            }
            r.fill(n);
            float[][] domainHidden = null;
            if (r.work.batch().sequences > 0) {
                DomainThread thread = r.thread(target.index());
                thread.forward(r.work.batch(), false);
                domainHidden = thread.hidden();
            }
            float[][] domainUsers = r.domainUsers();
            HistoryWindows.lastHidden(domainHidden, d, r.work.lastRow(), n, null, domainUsers);
            for (int b = 0; b < n; b++) {
                for (int f = 0; f < d; f++) {
                    users[b][f] += domainUsers[b][f];
                }
            }
            if (scoresWithProfiles() && profiles != null) {
                addProfiles(r, users, profiles, from, n, target.index());
            }
        }
        return users;
    }

    /** Adds each user's projected profile (users with a zero profile vector get nothing). */
    private void addProfiles(Replica r, float[][] users, float[][] profiles, int from, int n, int domain) {
        int m = 0;
        int[] index = new int[n];
        for (int b = 0; b < n; b++) {
            float[] p = profiles[from + b];
            boolean any = false;
            for (float v : p) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("profile vector " + (from + b) + " holds a NaN or infinite value");
                }
                any |= v != 0;
            }
            if (any) {
                index[m++] = b;
            }
        }
        if (m == 0) {
            return;
        }
        ProfileAlignment projection = r.projection(domain);
        for (int i = 0; i < m; i++) {
            r.profileRows[i] = profiles[from + index[i]];
        }
        projection.project(r.profileRows, m, r.projected);
        java.util.Arrays.fill(r.profileRows, 0, m, null); // the caller's vectors are not kept
        for (int i = 0; i < m; i++) {
            float[] u = users[index[i]];
            for (int f = 0; f < shape.dim(); f++) {
                u[f] += r.projected[i][f];
            }
        }
    }

    private void checkTarget(Domain target) {
        if (target.index() >= domains.size() || !domains.get(target.index()).equals(target)) {
            throw new IllegalArgumentException("domain " + target + " is not one of this model's domains " + domains);
        }
    }

    /** Per domain, the item vectors feature-major: tables[domain][f][localItem]. */
    private float[][][] tables() {
        float[][][] t = domainTables;
        if (t == null) {
            synchronized (this) {
                t = domainTables;
                if (t == null) {
                    float[][] items = parameters.get(SasRecNetwork.ITEMS).value();
                    t = new float[domains.size()][][];
                    for (Domain dom : domains) {
                        t[dom.index()] = Kernels.featureMajor(items, dom.firstItem() + 1, dom.size(), shape.dim());
                    }
                    domainTables = t;
                }
            }
        }
        return t;
    }

    /** Forgets derived tables and weight snapshots after the shared parameters changed (training-time views only). */
    synchronized void parametersChanged() {
        domainTables = null;
        replicas.invalidate();
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
