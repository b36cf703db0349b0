package dev.llmedt.engine;

/**
 * A compact copy of a feature-major item table for a first, approximate pass of top-k selection
 * ({@link ScreenedTopK}): each item's vector as 8-bit integer codes times one scale per item, and,
 * per item, the slack that bounds how far the approximate score can be from the exact one.
 *
 * <p>Layout: items in blocks of {@link #BLOCK}; within a block, feature by feature, the codes of the
 * block's items ({@code codes[(block * width + f) * BLOCK + j]} is feature {@code f} of item
 * {@code block * BLOCK + j}), so that a pass over the items reads the codes once, in order. The
 * 27,637 x 64 Kitchen table is 1.8 MB here against 7.1 MB of floats.
 *
 * <p><b>The bound.</b> For a user vector {@code u}, item {@code i} with vector {@code t}, codes
 * {@code q} and scale {@code s} ({@code q = round(t / s)}, {@code s = max|t| / 127}), residual
 * {@code r = t - s q}: the exact score as the scoring kernels compute it, {@code E'}, and the
 * approximate one as the screening kernels compute it, {@code A'}, satisfy
 * {@code |E' - A'| <= ||u|| (||r|| + g (||t|| + ||s q||))} with {@code g = 1e-5}: Cauchy-Schwarz
 * bounds {@code |u . r|}, and the rounding of a float dot product of at most 65 terms in any order,
 * with or without fused multiply-add, is at most {@code 65 x 2^-24 / (1 - 65 x 2^-24) < 3.9e-6}
 * times {@code sum |u_f t_f| <= ||u|| ||t||} (the same for {@code s q}). {@link #slack} holds the
 * parenthesis, computed in double and rounded up; the factor left between {@code g} and
 * {@code 3.9e-6} covers the float operations that combine the bound with a score.
 */
public final class ScreeningTable {

    /** Items per block: one vector of 16 float lanes (AVX-512), or two of 8. */
    static final int BLOCK = 16;

    /** The relative slack for rounding, {@code g} above (2.5 times the worst rounding of either dot product). */
    static final double ROUNDING = 1e-5;

    final int items;
    final int width;
    final int blocks;
    final byte[] codes;
    /** Per item (padded to whole blocks with 0): the scale of its codes. */
    final float[] scales;
    /** Per item: the bound on {@code |E' - A'|} for a user vector of norm 1. */
    final float[] slack;
    /** The largest norm of an item vector or of its coded copy: a user vector of norm {@code x} scores at most {@code x} times it. */
    final double largestNorm;
    /** The float table this is a copy of. */
    final float[][] source;

    private ScreeningTable(float[][] source, int items, int width, byte[] codes, float[] scales, float[] slack, double largestNorm) {
        this.source = source;
        this.items = items;
        this.width = width;
        this.blocks = (items + BLOCK - 1) / BLOCK;
        this.codes = codes;
        this.scales = scales;
        this.slack = slack;
        this.largestNorm = largestNorm;
    }

    /**
     * Builds the compact copy of the items {@code [0, items)} of {@code table[f][i]}; when a value is
     * not finite, a copy that is not {@link #usable} (such a table is scored exactly only, so that a
     * NaN is reported as always).
     */
    static ScreeningTable of(float[][] table, int items, int width) {
        int blocks = (items + BLOCK - 1) / BLOCK;
        byte[] codes = new byte[blocks * width * BLOCK];
        float[] scales = new float[blocks * BLOCK];
        float[] slack = new float[blocks * BLOCK];
        double largest = 0;
        for (int i = 0; i < items; i++) {
            float max = 0;
            for (int f = 0; f < width; f++) {
                float v = table[f][i];
                if (!Float.isFinite(v)) {
                    return new ScreeningTable(table, items, width, null, null, null, 0);
                }
                max = Math.max(max, Math.abs(v));
            }
            float scale = max / 127f;
            double residual = 0;
            double norm = 0;
            double codedNorm = 0;
            int base = (i / BLOCK) * width * BLOCK + i % BLOCK;
            for (int f = 0; f < width; f++) {
                float v = table[f][i];
                int q = scale == 0 ? 0 : Math.max(-127, Math.min(127, (int) Math.round(v / scale)));
                codes[base + f * BLOCK] = (byte) q;
                double coded = (double) scale * q;
                residual += (v - coded) * (v - coded);
                norm += (double) v * v;
                codedNorm += coded * coded;
            }
            scales[i] = scale;
            largest = Math.max(largest, Math.max(Math.sqrt(norm), Math.sqrt(codedNorm)));
            double bound = (Math.sqrt(residual) + ROUNDING * (Math.sqrt(norm) + Math.sqrt(codedNorm))) * (1 + 1e-9);
            slack[i] = Math.nextUp((float) bound);
        }
        return new ScreeningTable(table, items, width, codes, scales, slack, largest);
    }

    /** Whether the copy can screen: every value of the table is finite. */
    boolean usable() {
        return codes != null;
    }

    /**
     * {@code out[c] = scales[i] * sum_f user[f] * codes(f, i)} for the items {@code i = from + c},
     * {@code from} and {@code to} multiples of {@link #BLOCK} (or {@code to} the padded end): the
     * scalar screening kernel, the reference of the vector one.
     */
    void approximate(float[] user, int from, int to, float[] out) {
        for (int i = from; i < to; i++) {
            int base = (i / BLOCK) * width * BLOCK + i % BLOCK;
            float sum = 0;
            for (int f = 0; f < width; f++) {
                sum += user[f] * codes[base + f * BLOCK];
            }
            out[i - from] = scales[i] * sum;
        }
    }
}
