package dev.llmedt.engine;

/**
 * A batch of variable-length sequences laid end to end without padding: sequence {@code s} owns
 * rows {@code [start[s], start[s] + length[s])}. Each row carries its input id, its position index,
 * optional positive and negative target ids (0 = no target) with the weight of its loss, and its
 * sequence, whose random stream drives dropout. Arrays are allocated once for a capacity and
 * refilled for every batch.
 */
public final class RaggedBatch {

    /** Number of sequences in the batch. */
    public int sequences;
    /** Number of rows (real positions) in the batch. */
    public int rows;
    /** First row of each sequence. */
    public final int[] start;
    /** Number of rows of each sequence. */
    public final int[] length;
    /** Per sequence: the random stream state (dropout, sampling). */
    public final long[] streams;
    /** Per sequence: an id chosen by the caller (for example the training sequence index). */
    public final int[] tag;
    /** Per row: the input id (an embedding row). */
    public final int[] input;
    /** Per row: the position index (a position-embedding row). */
    public final int[] position;
    /** Per row: the positive target id, 0 when the row has no target. */
    public final int[] positive;
    /** Per row: the negative target id, 0 when the row has no target. */
    public final int[] negative;
    /** Per row: the weight of its target's loss (1 unless the caller sets it; for example lower for inserted items). */
    public final float[] weight;
    /** Per row: its sequence. */
    public final int[] sequenceOfRow;

    /** Allocates a batch for at most {@code maxSequences} sequences and {@code maxRows} rows. */
    public RaggedBatch(int maxSequences, int maxRows) {
        start = new int[maxSequences];
        length = new int[maxSequences];
        streams = new long[maxSequences];
        tag = new int[maxSequences];
        input = new int[maxRows];
        position = new int[maxRows];
        positive = new int[maxRows];
        negative = new int[maxRows];
        weight = new float[maxRows];
        sequenceOfRow = new int[maxRows];
    }

    /** Empties the batch. */
    public void clear() {
        sequences = 0;
        rows = 0;
    }

    /**
     * Starts a new sequence of {@code n} rows and returns its first row; the caller fills
     * {@link #input}, {@link #position}, {@link #positive} and {@link #negative} for those rows
     * (and {@link #weight}, 1 unless set).
     */
    public int beginSequence(int n, long stream, int sequenceTag) {
        if (n < 1 || sequences == start.length || rows + n > input.length) {
            throw new IllegalStateException("batch full or empty sequence: " + sequences + " sequences, " + rows
                    + " rows, adding " + n + " (capacity " + start.length + " / " + input.length + ")");
        }
        int s = sequences++;
        start[s] = rows;
        length[s] = n;
        streams[s] = stream;
        tag[s] = sequenceTag;
        for (int r = rows; r < rows + n; r++) {
            sequenceOfRow[r] = s;
            positive[r] = 0;
            negative[r] = 0;
            weight[r] = 1;
        }
        rows += n;
        return start[s];
    }
}
