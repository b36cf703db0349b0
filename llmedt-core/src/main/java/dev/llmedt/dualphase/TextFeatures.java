package dev.llmedt.dualphase;

import dev.llmedt.data.ItemCatalog;
import dev.llmedt.text.ItemEmbeddings;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frozen input of the item adapter: each item's text embedding, optionally projected on its
 * leading principal components (fitted on the catalogue's items with text, centred, one
 * deterministic sign per component), as item table rows ({@code [items + 1][width]}, row 0 and
 * items without text zero).
 */
final class TextFeatures {

    private static final Logger LOG = LoggerFactory.getLogger(TextFeatures.class);

    final float[][] rows;
    final boolean[] hasText;
    final int width;
    final int itemsWithoutText;
    /** The mean subtracted before projecting, or null without PCA. */
    final float[] mean;
    /** The principal components {@code [width][embedding dimension]}, or null without PCA. */
    final float[][] components;
    /** Share of the variance the kept components explain (1 without PCA). */
    final double explainedVariance;

    private TextFeatures(float[][] rows, boolean[] hasText, int width, int itemsWithoutText, float[] mean, float[][] components,
            double explainedVariance) {
        this.rows = rows;
        this.hasText = hasText;
        this.width = width;
        this.itemsWithoutText = itemsWithoutText;
        this.mean = mean;
        this.components = components;
        this.explainedVariance = explainedVariance;
    }

    /**
     * Builds the features of a catalogue.
     *
     * @param pcaDimension components to keep, 0 (or at least the embedding dimension) = none
     * @throws IllegalArgumentException when the embeddings do not have one row per catalogue item,
     *     or no item has text
     */
    static TextFeatures of(ItemCatalog catalog, ItemEmbeddings embeddings, int pcaDimension) {
        check(catalog, embeddings);
        int items = embeddings.rows();
        int dim = embeddings.dimension();
        boolean[] hasText = new boolean[items + 1];
        int without = 0;
        for (int i = 0; i < items; i++) {
            hasText[i + 1] = embeddings.hasText(i);
            if (!hasText[i + 1]) {
                without++;
            }
        }
        if (without == items) {
            throw new IllegalArgumentException("no item has text in the embeddings of " + embeddings.modelId()
                    + ": use the id item representation");
        }
        if (pcaDimension == 0 || pcaDimension >= dim) {
            float[][] rows = new float[items + 1][dim];
            for (int i = 0; i < items; i++) {
                embeddings.copyVector(i, rows[i + 1], 0);
            }
            return new TextFeatures(rows, hasText, dim, without, null, null, 1);
        }
        long start = System.nanoTime();
        double[] mean = new double[dim];
        float[] v = new float[dim];
        for (int i = 0; i < items; i++) {
            if (hasText[i + 1]) {
                embeddings.copyVector(i, v, 0);
                for (int j = 0; j < dim; j++) {
                    mean[j] += v[j];
                }
            }
        }
        int n = items - without;
        for (int j = 0; j < dim; j++) {
            mean[j] /= n;
        }
        double[][] cov = new double[dim][dim];
        double[] c = new double[dim];
        for (int i = 0; i < items; i++) {
            if (!hasText[i + 1]) {
                continue;
            }
            embeddings.copyVector(i, v, 0);
            for (int j = 0; j < dim; j++) {
                c[j] = v[j] - mean[j];
            }
            for (int a = 0; a < dim; a++) {
                double ca = c[a];
                double[] row = cov[a];
                for (int b = a; b < dim; b++) {
                    row[b] += ca * c[b];
                }
            }
        }
        for (int a = 0; a < dim; a++) {
            for (int b = a; b < dim; b++) {
                cov[a][b] /= n;
                cov[b][a] = cov[a][b];
            }
        }
        RealMatrix matrix = new Array2DRowRealMatrix(cov, false);
        EigenDecomposition eigen = new EigenDecomposition(matrix);
        double[] values = eigen.getRealEigenvalues();
        Integer[] order = new Integer[dim];
        for (int j = 0; j < dim; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double total = 0;
        for (double x : values) {
            total += Math.max(x, 0);
        }
        float[][] components = new float[pcaDimension][dim];
        double kept = 0;
        for (int k = 0; k < pcaDimension; k++) {
            double[] vec = eigen.getEigenvector(order[k]).toArray();
            int largest = 0;
            for (int j = 1; j < dim; j++) {
                if (Math.abs(vec[j]) > Math.abs(vec[largest])) {
                    largest = j;
                }
            }
            double sign = vec[largest] < 0 ? -1 : 1; // one deterministic orientation per component
            for (int j = 0; j < dim; j++) {
                components[k][j] = (float) (sign * vec[j]);
            }
            kept += Math.max(values[order[k]], 0);
        }
        float[] meanF = new float[dim];
        for (int j = 0; j < dim; j++) {
            meanF[j] = (float) mean[j];
        }
        float[][] rows = new float[items + 1][pcaDimension];
        for (int i = 0; i < items; i++) {
            if (hasText[i + 1]) {
                embeddings.copyVector(i, v, 0);
                project(v, meanF, components, rows[i + 1]);
            }
        }
        double explained = total == 0 ? 1 : kept / total;
        LOG.info("PCA of {} text embeddings: {} -> {} dimensions, {}% of the variance kept, {} s", n, dim, pcaDimension,
                String.format("%.1f", 100 * explained), String.format("%.1f", (System.nanoTime() - start) / 1e9));
        return new TextFeatures(rows, hasText, pcaDimension, without, meanF, components, explained);
    }

    /** {@code out = components (v - mean)}. */
    static void project(float[] v, float[] mean, float[][] components, float[] out) {
        for (int k = 0; k < components.length; k++) {
            float[] comp = components[k];
            double s = 0;
            for (int j = 0; j < comp.length; j++) {
                s += (v[j] - mean[j]) * comp[j];
            }
            out[k] = (float) s;
        }
    }

    /** Checks that the embeddings have one row per catalogue item. */
    static void check(ItemCatalog catalog, ItemEmbeddings embeddings) {
        embeddings.requireCatalog(catalog, "the catalog");
    }
}
