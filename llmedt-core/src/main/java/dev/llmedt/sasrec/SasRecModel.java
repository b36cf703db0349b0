package dev.llmedt.sasrec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.Recommender;
import dev.llmedt.check.Require;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.engine.BlockScorers;
import dev.llmedt.engine.DomainTables;
import dev.llmedt.engine.HistoryWindows;
import dev.llmedt.engine.InferenceBatch;
import dev.llmedt.engine.ItemScoring;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.ParameterTensors;
import dev.llmedt.engine.ReplicaPool;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.engine.ScoreArguments;
import dev.llmedt.engine.ScreeningTable;
import dev.llmedt.engine.TopKScoring;
import dev.llmedt.ScoredItem;
import dev.llmedt.io.RecordJson;
import dev.llmedt.model.ModelFile;
import dev.llmedt.model.ModelFileException;
import dev.llmedt.model.Provenance;
import dev.llmedt.output.WriteOption;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A trained SASRec recommender: scores every item of a domain by the inner product of the user's
 * last hidden state with the item's (tied) embedding. Thread-safe: each concurrent caller borrows a
 * working set (activation buffers sized to its call, at most 32 histories at a time,
 * and weight copies), of which there are at most four per available processor (further callers
 * wait their turn); one left idle for 60 s is dropped when the model is next called. Save it with
 * {@link #save} and load it with {@link #load}.
 */
public final class SasRecModel implements Recommender {

    static final String KIND = "sasrec";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The most histories per forward pass (and so the largest working set of a replica): 32 full
     * windows of 50 items keep about 24 MB of activations at width 64, where 128 kept about 100 MB;
     * a full-ranking evaluation on food-kitchen runs as fast with 32 as with 128.
     */
    private static final int BATCH = 32;

    private final SasRecConfig config;
    private final List<Domain> domains;
    private final int itemCount;
    private final int firstTableItem;
    private final ParameterSet parameters;
    private final SasRecShape shape;
    private final Provenance provenance;
    private final Domain trainedDomain;
    private final ReplicaPool<Replica> replicas = new ReplicaPool<>(Replica::new);
    private final DomainTables tables;

    /**
     * One caller's working set: buffers sized to the largest chunk it has run (one window for a
     * single history), grown on demand up to {@link #BATCH} histories; the network is remade, with
     * fresh weight snapshots, when they grow.
     */
    private final class Replica {
        final InferenceBatch work = new InferenceBatch(shape.maxLength(), shape.dim(), BATCH);
        private SasRecNetwork network;

        /** The network sized to the working set's capacity. */
        SasRecNetwork network() {
            if (network == null) {
                network = new SasRecNetwork(shape, parameters, work.sequenceCapacity(), work.rowCapacity());
                network.snapshotWeights();
            }
            return network;
        }
    }

    SasRecModel(SasRecConfig config, List<Domain> domains, ParameterSet parameters, Provenance provenance) {
        this.config = config;
        this.domains = List.copyOf(domains);
        Domain last = this.domains.get(this.domains.size() - 1);
        this.itemCount = last.endItem();
        this.parameters = parameters;
        this.shape = shapeOf(config, this.domains);
        this.provenance = provenance;
        this.trainedDomain = trainedDomain(config, this.domains);
        this.firstTableItem = trainedDomain == null ? 0 : trainedDomain.firstItem();
        this.tables = new DomainTables(parameters, this.domains, 1 - firstTableItem, shape.dim(), this::scores);
    }

    static Domain trainedDomain(SasRecConfig c, List<Domain> domains) {
        return c.domain() == null ? null
                : domains.stream().filter(d -> d.name().equals(c.domain())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown domain '" + c.domain() + "'; domains are "
                                + domains.stream().map(Domain::name).toList()));
    }

    /**
     * The network shape: the item table holds every item (mixed mode) or only the trained domain's
     * items (single-domain mode, as when the other domain's items are removed from the data), plus
     * the padding row 0. Item id {@code k} is table row {@code k - firstItem + 1}.
     */
    static SasRecShape shapeOf(SasRecConfig c, List<Domain> domains) {
        Domain only = trainedDomain(c, domains);
        int tableItems = only == null ? domains.get(domains.size() - 1).endItem() : only.size();
        return new SasRecShape(tableItems + 1, c.dim(), c.blocks(), c.heads(), c.maxLength(), (float) c.dropout(),
                (float) c.layerNormEps());
    }

    /** Returns the configuration it was trained with. */
    public SasRecConfig config() {
        return config;
    }

    /** Returns the domains (names and item-id ranges) the model was trained on. */
    public List<Domain> domains() {
        return domains;
    }

    /** Returns the domain of a single-domain model, empty for a mixed one. */
    public Optional<Domain> trainedDomain() {
        return Optional.ofNullable(trainedDomain);
    }

    /** Returns the provenance (library and commit, JVM, data fingerprints, seed, training figures). */
    public Provenance provenance() {
        return provenance;
    }

    /** Returns whether the model can score the domain (a single-domain model scores its own only). */
    public boolean scores(Domain domain) {
        return trainedDomain == null ? domains.contains(domain) : trainedDomain.equals(domain);
    }

    @Override
    public void score(History history, Domain target, float[] scores) {
        scoreBatch(List.of(history), target, new float[][] {scores});
    }

    @Override
    public void scoreBatch(List<History> histories, Domain target, float[][] scores) {
        checkTarget(target);
        ScoreArguments.requireScoreRows(histories, target, scores);
        ScoreArguments.requireKnownItems(histories, itemCount);
        forEachUserBatch(histories, target, (users, from, n, table) ->
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
     * The same items and scores as the default (score every item, then select), without storing
     * any user's full score row: each batch of users is scored and selected block by block of
     * items ({@link TopKScoring}), which reads the item table once per batch and writes nothing
     * per item.
     */
    @Override
    public List<List<ScoredItem>> recommendBatch(List<History> histories, Domain target, int k) {
        Require.atLeast("k", k, 1);
        checkTarget(target);
        ScoreArguments.requireKnownItems(histories, itemCount);
        List<List<ScoredItem>> out = new ArrayList<>(histories.size());
        ScreeningTable screen = tables.screen(target);
        forEachUserBatch(histories, target, (users, from, n, table) -> {
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

    static {
        BlockScorers.register(SasRecModel.class, m -> m::scoreBlocks);
    }

    /** Streams the scores of {@link #scoreBatch} block by block (found through {@link BlockScorers}: full-ranking evaluation and serving use it). */
    private void scoreBlocks(List<History> histories, Domain target, int[] pinned, TopKScoring.Sink sink) {
        checkTarget(target);
        ScoreArguments.requireKnownItems(histories, itemCount);
        forEachUserBatch(histories, target, (users, from, n, table) ->
                TopKScoring.scoreBlocks(users, n, shape.dim(), table, target.size(), pinned, from, sink));
    }

    /** What is done with one batch's user vectors: {@code users[0, n)} are those of the histories {@code [from, from + n)}. */
    private interface UserBatch {
        void accept(float[][] users, int from, int n, float[][] table);
    }

    /**
     * Runs the network on the histories in batches of {@link #BATCH} on one borrowed replica and hands each batch's user
     * vectors, with the target domain's item table, to {@code use} (scoring, top-k and streamed ranking share this loop).
     */
    private void forEachUserBatch(List<History> histories, Domain target, UserBatch use) {
        float[][] table = tables.of(target);
        replicas.run(r -> {
            for (int from = 0; from < histories.size(); from += BATCH) {
                int n = Math.min(BATCH, histories.size() - from);
                use.accept(userVectors(r, histories, from, n), from, n, table);
            }
        });
    }

    /** Runs the network on the histories {@code [from, from + n)} and returns their user vectors (rows {@code [0, n)}). */
    private float[][] userVectors(Replica r, List<History> histories, int from, int n) {
        int[][] windows = r.work.windows(n);
        for (int b = 0; b < n; b++) {
            History h = histories.get(from + b);
            windows[b] = (trainedDomain == null ? h : h.restrictTo(trainedDomain)).toArray();
        }
        if (r.work.fill(n, 1 - firstTableItem)) {
            r.network = null;
        }
        float[][] hidden = null; // only empty histories: no pass
        if (r.work.batch().sequences > 0) {
            r.network().forwardLastRows(r.work.batch()); // the user vector is the last row's state
            hidden = r.network().hidden();
        }
        float[][] users = r.work.users(n);
        // An empty history normalizes, like an all-padding input, to the last layer norm's bias.
        HistoryWindows.lastHidden(hidden, shape.dim(), r.work.lastRow(), n, SasRecNetwork.emptyHistoryHidden(parameters), users);
        return users;
    }

    private void checkTarget(Domain target) {
        if (target.index() >= domains.size() || !domains.get(target.index()).equals(target)) {
            throw new IllegalArgumentException("domain " + target + " is not one of this model's domains " + domains);
        }
        if (trainedDomain != null && !trainedDomain.equals(target)) {
            throw new IllegalArgumentException("this single-domain model was trained on " + trainedDomain.name()
                    + " and cannot score " + target.name());
        }
    }

    /** Returns the names of the model's tensors, in file order. */
    public List<String> tensorNames() {
        return parameters.list().stream().map(Parameter::name).toList();
    }

    /**
     * Returns a copy of one of the model's tensors (for exporters: the values the model scores with).
     *
     * @throws java.util.NoSuchElementException when the model has no tensor of that name (names them)
     */
    public ModelFile.Tensor tensor(String name) {
        return ParameterTensors.of(parameters.get(name));
    }

    /**
     * Writes the model file (format in {@link ModelFile}) atomically, as {@link ModelFile#write} does:
     * a read-only file is replaced only with {@link WriteOption#REPLACE_READ_ONLY}; a directory,
     * device or FIFO never.
     *
     * @throws dev.llmedt.output.OutputFileException naming the file and the reason when it is refused or cannot be written
     */
    public void save(Path file, WriteOption... options) throws IOException {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.set("sasrec", RecordJson.write(config));
        cfg.set("domains", ModelFile.domainsJson(domains));
        ModelFile.write(file, KIND, cfg, provenance, ParameterTensors.of(parameters), options);
    }

    /**
     * Loads a model file written by {@link #save}.
     *
     * @throws ModelFileException when the file is not a valid SASRec model file
     */
    public static SasRecModel load(Path file) throws IOException {
        ModelFile.Contents c = ModelFile.read(file);
        if (!KIND.equals(c.kind())) {
            throw new ModelFileException(file, "holds a '" + c.kind() + "' model, not a SASRec model");
        }
        SasRecConfig config;
        try {
            config = RecordJson.read(c.config().path("sasrec"), SasRecConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFileException(file, "invalid configuration: " + e.getMessage());
        }
        List<Domain> domains = ModelFile.domains(file, c.config().path("domains"));
        ParameterSet parameters;
        try {
            parameters = SasRecNetwork.createParameters(shapeOf(config, domains));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "invalid configuration: " + e.getMessage());
        }
        ParameterTensors.fill(file, c, parameters);
        return new SasRecModel(config, domains, parameters, c.provenance());
    }

    ParameterSet parameters() {
        return parameters;
    }

    /** Forgets derived tables and weight snapshots after the shared parameters changed (training-time views only). */
    void parametersChanged() {
        tables.invalidate();
        replicas.invalidate();
    }
}
