package dev.llmedt.eval;

import dev.llmedt.data.Domain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of evaluating a recommender on a list of cases: every case's target rank, and metrics
 * overall, per target domain and per slice, always labelled with the protocol that produced them.
 *
 * <p>Slices group cases by how many of the user's input items lie in the target's domain:
 * {@code 0}, {@code 1-2}, {@code 3+} (cold to warm in the target domain).
 */
public final class EvaluationReport {

    /** Slice names, in order. */
    public static final List<String> SLICES = List.of("0", "1-2", "3+");

    private final String cases;
    private final Protocol protocol;
    private final List<Domain> domains;
    private final int[] ranks;
    private final int[] targetDomain;
    private final int[] slice;
    private final double seconds;

    EvaluationReport(String cases, Protocol protocol, List<Domain> domains, int[] ranks, int[] targetDomain, int[] slice,
            double seconds) {
        this.cases = cases;
        this.protocol = protocol;
        this.domains = List.copyOf(domains);
        this.ranks = ranks;
        this.targetDomain = targetDomain;
        this.slice = slice;
        this.seconds = seconds;
    }

    /**
     * Rebuilds a report from per-case results computed elsewhere, such as the ranks of evaluation
     * cases ranked on several machines (each case's rank does not depend on the other cases under
     * the full-ranking protocols).
     *
     * @param cases the label of the evaluated cases, such as {@code test}
     * @param protocol the protocol the ranks were computed under
     * @param domains the catalog's domains
     * @param ranks each case's 0-based rank of its target (as {@link #ranks()})
     * @param targetDomains each case's target domain index
     * @param slices each case's slice name, one of {@link #SLICES}
     * @param seconds the time the evaluation took
     * @throws IllegalArgumentException when the arrays differ in length or hold a value out of range (names the case)
     */
    public static EvaluationReport of(String cases, Protocol protocol, List<Domain> domains, int[] ranks, int[] targetDomains,
            List<String> slices, double seconds) {
        if (ranks.length != targetDomains.length || ranks.length != slices.size()) {
            throw new IllegalArgumentException(ranks.length + " ranks, " + targetDomains.length + " target domains and " + slices.size()
                    + " slices: one of each per case");
        }
        int[] slice = new int[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            if (ranks[i] < 0) {
                throw new IllegalArgumentException("case " + i + " has rank " + ranks[i] + "; ranks are 0-based (0: the target is first)");
            }
            if (targetDomains[i] < 0 || targetDomains[i] >= domains.size()) {
                throw new IllegalArgumentException("case " + i + " has target domain " + targetDomains[i] + "; domains are 0.."
                        + (domains.size() - 1));
            }
            slice[i] = SLICES.indexOf(slices.get(i));
            if (slice[i] < 0) {
                throw new IllegalArgumentException("case " + i + " has slice '" + slices.get(i) + "'; slices are " + SLICES);
            }
        }
        return new EvaluationReport(cases, protocol, domains, ranks.clone(), targetDomains.clone(), slice, seconds);
    }

    /** Returns the slice index of a user with {@code inTarget} input items in the target domain. */
    static int sliceOf(int inTarget) {
        return inTarget == 0 ? 0 : inTarget <= 2 ? 1 : 2;
    }

    /** Returns the label of the evaluated cases, such as {@code test}. */
    public String cases() {
        return cases;
    }

    /** Returns the protocol the ranks were computed under. */
    public Protocol protocol() {
        return protocol;
    }

    /** Returns the wall-clock seconds the evaluation took. */
    public double seconds() {
        return seconds;
    }

    /** Returns the metrics over all cases. */
    public GroupMetrics overall() {
        return new GroupMetrics(ranks.clone());
    }

    /** Returns the metrics of the cases whose target lies in the domain. */
    public GroupMetrics domain(Domain domain) {
        return select(targetDomain, domain.index());
    }

    /** Returns the metrics of a slice ({@code 0}, {@code 1-2} or {@code 3+}). */
    public GroupMetrics slice(String name) {
        int s = SLICES.indexOf(name);
        if (s < 0) {
            throw new IllegalArgumentException("slice must be one of " + SLICES + ", got '" + name + "'");
        }
        return select(slice, s);
    }

    /** Returns the metrics per target domain, by domain name in domain order. */
    public Map<String, GroupMetrics> byDomain() {
        Map<String, GroupMetrics> m = new LinkedHashMap<>();
        for (Domain d : domains) {
            m.put(d.name(), domain(d));
        }
        return Collections.unmodifiableMap(m);
    }

    /** Returns the metrics per slice, in {@link #SLICES} order. */
    public Map<String, GroupMetrics> bySlice() {
        Map<String, GroupMetrics> m = new LinkedHashMap<>();
        for (String s : SLICES) {
            m.put(s, slice(s));
        }
        return Collections.unmodifiableMap(m);
    }

    /** Returns every case's 0-based target rank, in case order. */
    public int[] ranks() {
        return ranks.clone();
    }

    /** Returns every case's target domain index, in case order. */
    public int[] targetDomains() {
        return targetDomain.clone();
    }

    /** Returns every case's slice name ({@link #SLICES}), in case order. */
    public List<String> sliceNames() {
        List<String> names = new ArrayList<>(slice.length);
        for (int s : slice) {
            names.add(SLICES.get(s));
        }
        return names;
    }

    private GroupMetrics select(int[] key, int value) {
        List<Integer> selected = new ArrayList<>();
        for (int i = 0; i < ranks.length; i++) {
            if (key[i] == value) {
                selected.add(ranks[i]);
            }
        }
        return new GroupMetrics(selected.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Returns the report as nested maps for JSON: {@code cases}, {@code protocol}, {@code all},
     * {@code domains} (by name) and {@code slices}, each group with {@code n}, HR@1/5/10,
     * NDCG@5/10 and MRR.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cases", cases);
        m.put("protocol", protocol.describe());
        m.put("all", overall().toMap());
        Map<String, Object> byDomain = new LinkedHashMap<>();
        byDomain().forEach((k, v) -> byDomain.put(k, v.toMap()));
        m.put("domains", byDomain);
        Map<String, Object> bySlice = new LinkedHashMap<>();
        bySlice().forEach((k, v) -> bySlice.put(k, v.toMap()));
        m.put("slices", bySlice);
        m.put("seconds", seconds);
        return m;
    }

    @Override
    public String toString() {
        return cases + " [" + protocol.label() + "] " + overall();
    }
}
