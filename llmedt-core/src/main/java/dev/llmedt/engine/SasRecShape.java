package dev.llmedt.engine;

/**
 * The architecture of a SASRec network.
 *
 * @param tableRows rows of the item table: the number of items + 1 (row 0 is padding, item id {@code k} is row {@code k + 1})
 * @param dim hidden width
 * @param blocks number of attention blocks
 * @param heads attention heads (divides dim)
 * @param maxLength window length (number of position embeddings)
 * @param dropout dropout rate, also on attention weights
 * @param layerNormEps epsilon of every layer norm
 */
public record SasRecShape(int tableRows, int dim, int blocks, int heads, int maxLength, float dropout, float layerNormEps) {

    /** Validates the fields. */
    public SasRecShape {
        if (tableRows < 2) {
            throw new IllegalArgumentException("tableRows must be >= 2 (padding + one item), got " + tableRows);
        }
        if (dim < 1 || heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("dim must be a positive multiple of heads, got dim " + dim + ", heads " + heads);
        }
        if (blocks < 1 || maxLength < 1) {
            throw new IllegalArgumentException("blocks and maxLength must be >= 1, got " + blocks + ", " + maxLength);
        }
        if (!(dropout >= 0 && dropout < 1) || !(layerNormEps > 0)) {
            throw new IllegalArgumentException("dropout must be in [0, 1) and layerNormEps > 0");
        }
    }
}
