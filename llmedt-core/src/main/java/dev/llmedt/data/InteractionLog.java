package dev.llmedt.data;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Timestamped (user, item) interactions in the order they were read, and the step shared by the
 * readers of raw interactions: per-user time-ordered sequences, then the
 * {@link LeaveOneOutSplitter leave-one-out split} into a {@link CdsrDataset}.
 *
 * <p>Users are indexed from 0 in order of first appearance. Times are compared as {@code long}
 * until a non-integer time is added; from then on every time is kept exactly as a
 * {@link BigDecimal}. Not thread-safe.
 */
final class InteractionLog {

    private final List<String> userKeys = new ArrayList<>();
    private final Map<String, Integer> userIndex = new HashMap<>();
    private int[] users = new int[256];
    private int[] items = new int[256];
    private long[] times = new long[256];
    /** Exact times, null until a non-integer time is added. */
    private BigDecimal[] exactTimes;
    private int size;

    /** Returns the index of a user key, assigning the next index to a new key. */
    int user(String key) {
        Integer index = userIndex.get(key);
        if (index == null) {
            index = userKeys.size();
            userIndex.put(key, index);
            userKeys.add(key);
        }
        return index;
    }

    /** Appends an interaction with an integer time. */
    void add(int user, int item, long time) {
        int k = append(user, item);
        times[k] = time;
        if (exactTimes != null) {
            exactTimes[k] = BigDecimal.valueOf(time);
        }
    }

    /** Appends an interaction with an exact (possibly fractional) time. */
    void add(int user, int item, BigDecimal time) {
        int k = append(user, item);
        if (exactTimes == null) {
            exactTimes = new BigDecimal[times.length];
            for (int i = 0; i < k; i++) {
                exactTimes[i] = BigDecimal.valueOf(times[i]);
            }
        }
        exactTimes[k] = time;
    }

    private int append(int user, int item) {
        if (user < 0 || user >= userKeys.size()) {
            throw new IllegalArgumentException("unknown user index " + user);
        }
        if (size == users.length) {
            int capacity = size * 2;
            users = Arrays.copyOf(users, capacity);
            items = Arrays.copyOf(items, capacity);
            times = Arrays.copyOf(times, capacity);
            if (exactTimes != null) {
                exactTimes = Arrays.copyOf(exactTimes, capacity);
            }
        }
        users[size] = user;
        items[size] = item;
        return size++;
    }

    /** Returns the number of interactions. */
    int size() {
        return size;
    }

    /** Returns the number of users. */
    int userCount() {
        return userKeys.size();
    }

    /** Returns the user of every interaction (a copy). */
    int[] users() {
        return Arrays.copyOf(users, size);
    }

    /** Returns the item of every interaction (a copy). */
    int[] items() {
        return Arrays.copyOf(items, size);
    }

    /**
     * Returns a log with the kept interactions only, in the same order, items renumbered and users
     * that lost all their interactions dropped (the others keep their relative order).
     *
     * @param keep per interaction, whether to keep it
     * @param newItemIds per old item, its new id; must be {@code >= 0} for every item of a kept interaction
     */
    InteractionLog retain(boolean[] keep, int[] newItemIds) {
        if (keep.length != size) {
            throw new IllegalArgumentException("keep has " + keep.length + " entries for " + size + " interactions");
        }
        InteractionLog out = new InteractionLog();
        int[] newUser = new int[userKeys.size()];
        Arrays.fill(newUser, -1);
        for (int k = 0; k < size; k++) {
            if (keep[k]) {
                newUser[users[k]] = 0;
            }
        }
        for (int u = 0; u < newUser.length; u++) {
            if (newUser[u] == 0) {
                newUser[u] = out.user(userKeys.get(u));
            }
        }
        for (int k = 0; k < size; k++) {
            if (keep[k]) {
                int item = newItemIds[items[k]];
                if (item < 0) {
                    throw new IllegalArgumentException("kept interaction " + k + " refers to removed item " + items[k]);
                }
                if (exactTimes == null) {
                    out.add(newUser[users[k]], item, times[k]);
                } else {
                    out.add(newUser[users[k]], item, exactTimes[k]);
                }
            }
        }
        return out;
    }

    /**
     * Returns every user's items sorted by time, oldest first; interactions with equal times keep
     * the order in which they were added. Index = user index.
     */
    List<int[]> timeOrderedSequences() {
        int userCount = userKeys.size();
        int[] start = new int[userCount + 1];
        for (int k = 0; k < size; k++) {
            start[users[k] + 1]++;
        }
        for (int u = 0; u < userCount; u++) {
            start[u + 1] += start[u];
        }
        int[] order = new int[size];
        int[] next = Arrays.copyOf(start, userCount);
        for (int k = 0; k < size; k++) {
            order[next[users[k]]++] = k;
        }
        List<int[]> sequences = new ArrayList<>(userCount);
        for (int u = 0; u < userCount; u++) {
            sequences.add(sortedItems(order, start[u], start[u + 1]));
        }
        return sequences;
    }

    /** Returns the items of the interactions {@code order[from, to)} (ascending indices) sorted by time, stably. */
    private int[] sortedItems(int[] order, int from, int to) {
        Comparator<Integer> byTime = exactTimes == null
                ? (a, b) -> Long.compare(times[a], times[b])
                : (a, b) -> exactTimes[a].compareTo(exactTimes[b]);
        boolean sorted = true;
        for (int p = from + 1; p < to && sorted; p++) {
            sorted = byTime.compare(order[p - 1], order[p]) <= 0;
        }
        int[] out = new int[to - from];
        if (sorted) {
            for (int p = from; p < to; p++) {
                out[p - from] = items[order[p]];
            }
            return out;
        }
        Integer[] boxed = new Integer[to - from];
        for (int p = from; p < to; p++) {
            boxed[p - from] = order[p];
        }
        Arrays.sort(boxed, byTime); // stable: ties keep insertion order
        for (int p = 0; p < boxed.length; p++) {
            out[p] = items[boxed[p]];
        }
        return out;
    }

    /**
     * Builds the dataset: time-ordered sequences, leave-one-out split, and the report (the users
     * too short to evaluate are counted and everything in the report is logged).
     *
     * @param name the dataset name
     * @param catalog the domains and items the item ids refer to
     * @param trainSource the source name of the training sequences
     * @param report the counts collected so far
     * @param log the reader's logger
     * @param reportSource the name the report is logged under
     */
    CdsrDataset toDataset(String name, ItemCatalog catalog, String trainSource, ReadReport.Builder report, Logger log,
            String reportSource) {
        LeaveOneOutSplitter.Result split = LeaveOneOutSplitter.split(trainSource, userKeys, timeOrderedSequences());
        report.add(LeaveOneOutSplitter.TOO_SHORT, split.tooShort());
        return new CdsrDataset(name, catalog, split.train(), split.valid(), split.test(), report.build(log, reportSource));
    }
}
