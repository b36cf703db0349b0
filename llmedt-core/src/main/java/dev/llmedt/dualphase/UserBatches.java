package dev.llmedt.dualphase;

import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.engine.DomainTables;
import dev.llmedt.engine.ScreeningTable;
import dev.llmedt.engine.DomainThread;
import dev.llmedt.engine.HistoryWindows;
import dev.llmedt.engine.InferenceBatch;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.ProfileAlignment;
import dev.llmedt.engine.ReplicaPool;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.engine.TensorLayout;
import java.util.List;

/**
 * The inference side of a {@link DualPhaseModel}: runs its networks over histories in batches and
 * hands each batch's user vectors, with the target domain's item table, to the scoring, top-k or
 * streamed-ranking code. A user's vector is the global thread's last hidden state, plus the
 * target domain's thread where the model uses it, plus the projected profile when the model
 * scores with profiles. Thread-safe: each caller borrows a replica (buffers and weight snapshots)
 * from a pool.
 */
final class UserBatches {

    /** The most histories per forward pass (as in SASRec: about 24 MB of activations per network at width 64 and window 50). */
    static final int BATCH = 32;

    private final DualPhaseConfig config;
    private final List<Domain> domains;
    private final ParameterSet parameters;
    private final SasRecShape shape;
    /** Per domain, whether its thread is part of the score. */
    private final boolean[] threadUsed;
    private final boolean profilesInScore;
    private final ReplicaPool<Replica> replicas = new ReplicaPool<>(Replica::new);
    private final DomainTables tables;

    UserBatches(DualPhaseConfig config, List<Domain> domains, ParameterSet parameters, SasRecShape shape, boolean[] threadUsed,
            boolean profilesInScore) {
        this.config = config;
        this.domains = domains;
        this.parameters = parameters;
        this.shape = shape;
        this.threadUsed = threadUsed;
        this.profilesInScore = profilesInScore;
        this.tables = new DomainTables(parameters, domains, 1, shape.dim(), d -> true);
    }

    /** The compact copy of the target domain's item table, for screened top-k selection. */
    ScreeningTable screen(Domain target) {
        return tables.screen(target);
    }

    /** What is done with one batch's user vectors: {@code users[0, n)} are those of the histories {@code [from, from + n)}. */
    interface Use {
        void accept(float[][] users, int from, int n, float[][] table);
    }

    /**
     * Runs the networks on the histories in batches of {@link #BATCH} on one borrowed replica and
     * hands each batch's user vectors (global thread, plus the target's domain thread where it is
     * used, plus the projected profile when the model scores with profiles), with the target
     * domain's item table, to {@code use}: scoring, top-k and streamed ranking share this loop.
     */
    void forEach(List<History> histories, Domain target, float[][] profiles, Use use) {
        float[][] table = tables.of(target);
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
            r.global().forwardLastRows(r.work.batch()); // the user vector is the last row's state
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
                thread.forwardLastRows(r.work.batch()); // the domain vector is the last row's state
                domainHidden = thread.hidden();
            }
            float[][] domainUsers = r.domainUsers();
            HistoryWindows.lastHidden(domainHidden, d, r.work.lastRow(), n, null, domainUsers);
            for (int b = 0; b < n; b++) {
                for (int f = 0; f < d; f++) {
                    users[b][f] += domainUsers[b][f];
                }
            }
            if (profilesInScore && profiles != null) {
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

    /** Forgets the item tables and the replicas' weight snapshots after the shared parameters changed. */
    void invalidate() {
        tables.invalidate();
        replicas.invalidate();
    }

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
                        (float) config.fineTuning().adapterDropout(), DualPhaseModel.gateOf(config, d), work.sequenceCapacity(), work.rowCapacity());
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
}
