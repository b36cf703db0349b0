package dev.llmedt.engine;

import dev.llmedt.check.Require;

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
        Require.atLeast("tableRows", tableRows, 2); // padding + one item
        if (dim < 1 || heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("dim must be a positive multiple of heads, got dim " + dim + ", heads " + heads);
        }
        Require.atLeast("blocks", blocks, 1);
        Require.atLeast("maxLength", maxLength, 1);
        Require.inClosedOpen("dropout", dropout, 0, 1);
        Require.greaterThan("layerNormEps", layerNormEps, 0);
    }
}
