package dev.llmedt.data;

import dev.llmedt.check.Require;
import java.util.Arrays;

/**
 * The iterative k-core filter of recommendation data: removes users with fewer than
 * {@code minUserInteractions} interactions and items with fewer than {@code minItemInteractions},
 * again and again, until every remaining user and item meets its threshold.
 *
 * <p>Works on plain arrays: interaction {@code k} joins user {@code users[k]} and item
 * {@code items[k]}; repeated (user, item) pairs count as separate interactions. The result (the
 * largest sub-multigraph in which every node meets its threshold) is unique, so the order of
 * removals does not matter; this implementation peels violating nodes from a work queue, which
 * needs one pass over the interactions instead of one pass per round.
 */
final class KCoreFilter {

    private final int minUserInteractions;
    private final int minItemInteractions;

    /**
     * Creates a filter.
     *
     * @param minUserInteractions the fewest interactions a kept user has, at least 1
     * @param minItemInteractions the fewest interactions a kept item has, at least 1
     * @throws IllegalArgumentException when a threshold is below 1
     */
    KCoreFilter(int minUserInteractions, int minItemInteractions) {
        this.minUserInteractions = Require.atLeast("minUserInteractions", minUserInteractions, 1);
        this.minItemInteractions = Require.atLeast("minItemInteractions", minItemInteractions, 1);
    }

    int minUserInteractions() {
        return minUserInteractions;
    }

    int minItemInteractions() {
        return minItemInteractions;
    }

    /**
     * What the filter kept and removed. Users and items that had no interaction to begin with are
     * neither kept nor counted as removed.
     *
     * @param keep per interaction, whether it survives
     * @param removedInteractions interactions removed
     * @param removedUsers users that had interactions and lost all of them
     * @param removedItems items that had interactions and lost all of them
     */
    record Result(boolean[] keep, int removedInteractions, int removedUsers, int removedItems) {
    }

    /**
     * Filters interactions.
     *
     * @param users the user of every interaction, in {@code [0, userCount)}
     * @param items the item of every interaction, in {@code [0, itemCount)}, as long as {@code users}
     * @param userCount number of user indices
     * @param itemCount number of item indices
     * @throws IllegalArgumentException when the arrays differ in length or hold an index out of range
     */
    Result apply(int[] users, int[] items, int userCount, int itemCount) {
        if (users.length != items.length) {
            throw new IllegalArgumentException("users has " + users.length + " entries but items has " + items.length);
        }
        Side userSide = new Side(users, userCount, minUserInteractions, "user");
        Side itemSide = new Side(items, itemCount, minItemInteractions, "item");
        boolean[] keep = new boolean[users.length];
        Arrays.fill(keep, true);
        // queue entries: user u as u, item i as userCount + i
        int[] queue = new int[userCount + itemCount];
        int tail = userSide.enqueueViolators(queue, 0, 0);
        tail = itemSide.enqueueViolators(queue, tail, userCount);
        int removedInteractions = 0;
        for (int head = 0; head < tail; head++) {
            boolean isUser = queue[head] < userCount;
            Side own = isUser ? userSide : itemSide;
            Side other = isUser ? itemSide : userSide;
            int node = isUser ? queue[head] : queue[head] - userCount;
            int otherOffset = isUser ? userCount : 0;
            for (int e = own.start[node]; e < own.start[node + 1]; e++) {
                int k = own.edges[e];
                if (keep[k]) {
                    keep[k] = false;
                    removedInteractions++;
                    int neighbour = other.ends[k];
                    if (other.loseOne(neighbour)) {
                        queue[tail++] = neighbour + otherOffset;
                    }
                }
            }
        }
        return new Result(keep, removedInteractions, userSide.removed, itemSide.removed);
    }

    /** One side of the bipartite interaction graph: degrees and, per node, its interactions (CSR). */
    private static final class Side {
        final int[] ends;
        final int[] degree;
        final int[] start;
        final int[] edges;
        final boolean[] gone;
        final int min;
        int removed;

        Side(int[] ends, int count, int min, String what) {
            this.ends = ends;
            this.min = min;
            this.degree = new int[count];
            for (int k = 0; k < ends.length; k++) {
                int node = ends[k];
                if (node < 0 || node >= count) {
                    throw new IllegalArgumentException("interaction " + k + " has " + what + " " + node
                            + ", outside [0, " + count + ")");
                }
                degree[node]++;
            }
            this.start = new int[count + 1];
            for (int n = 0; n < count; n++) {
                start[n + 1] = start[n] + degree[n];
            }
            this.edges = new int[ends.length];
            int[] next = Arrays.copyOf(start, count);
            for (int k = 0; k < ends.length; k++) {
                edges[next[ends[k]]++] = k;
            }
            this.gone = new boolean[count];
        }

        /** Marks and enqueues every node with some but too few interactions; returns the new tail. */
        int enqueueViolators(int[] queue, int tail, int offset) {
            for (int n = 0; n < degree.length; n++) {
                if (degree[n] > 0 && degree[n] < min) {
                    gone[n] = true;
                    removed++;
                    queue[tail++] = n + offset;
                }
            }
            return tail;
        }

        /** Removes one interaction of a node; returns whether the node just fell below the threshold. */
        boolean loseOne(int node) {
            degree[node]--;
            if (!gone[node] && degree[node] < min) {
                gone[node] = true;
                removed++;
                return true;
            }
            return false;
        }
    }
}
