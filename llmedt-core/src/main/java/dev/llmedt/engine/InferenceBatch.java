package dev.llmedt.engine;

import dev.llmedt.check.Require;

/**
 * The inference working set of one replica: the history windows of a chunk of users laid out as a
 * {@link RaggedBatch}, their last-row indices and their user vectors. It is sized to the largest
 * chunk met so far and grows on demand (at least doubling, up to {@code maxSequences} sequences of
 * the full window), so a replica that serves one history at a time holds buffers for one window
 * only. Networks sized to {@link #sequenceCapacity()} and {@link #rowCapacity()} must be remade
 * when those grow (see {@link #fill}).
 */
public final class InferenceBatch {

    private final int maxLength;
    private final int width;
    private final int maxSequences;
    private RaggedBatch batch = new RaggedBatch(0, 0);
    private int sequenceCapacity;
    private int rowCapacity;
    private int[][] windows = new int[0][];
    private int[] lastRow = new int[0];
    private float[][] users = new float[0][];

    /**
     * Creates an empty working set.
     *
     * @param maxLength the window: the most rows of one history
     * @param width the width of a user vector
     * @param maxSequences the most histories per chunk
     */
    public InferenceBatch(int maxLength, int width, int maxSequences) {
        this.maxLength = Require.atLeast("maxLength", maxLength, 1);
        this.width = Require.atLeast("width", width, 1);
        this.maxSequences = Require.atLeast("maxSequences", maxSequences, 1);
    }

    /** Returns the most histories per chunk. */
    public int maxSequences() {
        return maxSequences;
    }

    /** Returns at least {@code n <= maxSequences} window slots for the caller to fill with item ids, oldest first. */
    public int[][] windows(int n) {
        check(n);
        if (windows.length < n) {
            windows = new int[grown(windows.length, n, maxSequences)][];
        }
        return windows;
    }

    /**
     * Lays out the first {@code n} windows (each cut to its last {@code maxLength} items) as the
     * batch, growing the batch first when it is too small.
     *
     * @param rowOffset added to every id to give its item table row
     * @return whether the capacities grew (networks sized to them must be remade)
     */
    public boolean fill(int n, int rowOffset) {
        check(n);
        int sequences = 0;
        int rows = 0;
        for (int b = 0; b < n; b++) {
            int len = Math.min(windows[b].length, maxLength);
            if (len > 0) {
                sequences++;
                rows += len;
            }
        }
        boolean grew = false;
        if (sequences > sequenceCapacity || rows > rowCapacity) {
            sequenceCapacity = Math.max(sequenceCapacity, grown(sequenceCapacity, sequences, maxSequences));
            rowCapacity = Math.max(rowCapacity, grown(rowCapacity, rows, maxSequences * maxLength));
            batch = new RaggedBatch(sequenceCapacity, rowCapacity);
            grew = true;
        }
        if (lastRow.length < n) {
            lastRow = new int[grown(lastRow.length, n, maxSequences)];
        }
        HistoryWindows.fill(batch, windows, n, maxLength, rowOffset, lastRow);
        return grew;
    }

    /** Returns the batch of the last {@link #fill}. */
    public RaggedBatch batch() {
        return batch;
    }

    /** Returns the batch row of each history's last item of the last {@link #fill} (-1: empty history). */
    public int[] lastRow() {
        return lastRow;
    }

    /** Returns at least {@code n <= maxSequences} user vectors of the width. */
    public float[][] users(int n) {
        check(n);
        if (users.length < n) {
            int size = grown(users.length, n, maxSequences);
            float[][] more = new float[size][];
            System.arraycopy(users, 0, more, 0, users.length);
            for (int b = users.length; b < size; b++) {
                more[b] = new float[width];
            }
            users = more;
        }
        return users;
    }

    /** Returns the most sequences the batch holds now. */
    public int sequenceCapacity() {
        return sequenceCapacity;
    }

    /** Returns the most rows the batch holds now. */
    public int rowCapacity() {
        return rowCapacity;
    }

    private void check(int n) {
        if (n < 0 || n > maxSequences) {
            throw new IllegalArgumentException("chunk of " + n + " histories, allowed 0 to " + maxSequences);
        }
    }

    /** The capacity for {@code needed}: at least double the current one, at most {@code cap}. */
    private static int grown(int current, int needed, int cap) {
        return Math.max(needed, Math.min(cap, 2 * current));
    }
}
