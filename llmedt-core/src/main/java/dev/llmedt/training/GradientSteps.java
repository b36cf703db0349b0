package dev.llmedt.training;

import dev.llmedt.engine.Adam;
import dev.llmedt.engine.Gradients;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.WorkerPool;
import java.util.List;

/**
 * The end of a data-parallel step, split over the workers by parameter rows: the gradients of the
 * parts of a batch ({@link BatchChunks}) are added into a total in part order, optionally scaled
 * (global-norm clipping), applied by the optimizer and zeroed. Every gradient entry is the same sum
 * in the same order whatever the number of workers, so one seed gives the same weights for any
 * thread count. <b>Internal</b>.
 */
public final class GradientSteps {

    private GradientSteps() {
    }

    /**
     * Worker w: adds {@code parts[0..count)} into {@code total} in part order, zeroing the parts as
     * it reads them, applies the total and zeroes it, for its rows of every trainable parameter (no
     * clipping).
     */
    public static void reduceAndUpdate(WorkerPool pool, int w, List<Parameter> parameters, Gradients total, Gradients[] parts,
            int count, Adam adam) {
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (p.frozen()) {
                continue;
            }
            int rowFrom = (int) pool.partStart(p.rows(), w);
            int rowTo = (int) pool.partStart(p.rows(), w + 1);
            if (rowFrom == rowTo) {
                continue;
            }
            total.accumulateAndZero(parts, count, i, rowFrom, rowTo);
            adam.update(i, total, rowFrom, rowTo);
            total.zero(i, rowFrom, rowTo);
        }
    }

    /** Per trainable parameter, one slot per row for {@link #reduce}'s sums of squares (null for frozen parameters). */
    public static double[][] rowSquares(List<Parameter> parameters) {
        double[][] squares = new double[parameters.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (!p.frozen()) {
                squares[i] = new double[p.rows()];
            }
        }
        return squares;
    }

    /**
     * Worker w: adds {@code parts[0..count)} into {@code total} in part order for its rows of every
     * trainable parameter, zeroing the parts as it reads them, and writes the sum of squares of each
     * of those rows into {@code rowSquares[parameter][row]} (see {@link #sumOfSquares}).
     */
    public static void reduce(WorkerPool pool, int w, List<Parameter> parameters, Gradients total, Gradients[] parts, int count,
            double[][] rowSquares) {
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (p.frozen()) {
                continue;
            }
            int rowFrom = (int) pool.partStart(p.rows(), w);
            int rowTo = (int) pool.partStart(p.rows(), w + 1);
            total.accumulateAndZero(parts, count, i, rowFrom, rowTo);
            float[][] g = total.at(i);
            double[] squares = rowSquares[i];
            for (int r = rowFrom; r < rowTo; r++) {
                double s = 0;
                if (total.touched(i, r)) {
                    for (float v : g[r]) {
                        s += (double) v * v;
                    }
                }
                squares[r] = s;
            }
        }
    }

    /** The squared global norm after {@link #reduce}: the rows' sums of squares added in parameter and row order. */
    public static double sumOfSquares(List<Parameter> parameters, double[][] rowSquares) {
        double squares = 0;
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i).frozen() || rowSquares[i] == null) {
                continue;
            }
            for (double s : rowSquares[i]) {
                squares += s;
            }
        }
        return squares;
    }

    /** Worker w, after {@link #reduce}: scales its rows of the total by {@code scale} (1: unchanged), applies them and zeroes them. */
    public static void update(WorkerPool pool, int w, List<Parameter> parameters, Gradients total, Adam adam, float scale) {
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (p.frozen()) {
                continue;
            }
            int rowFrom = (int) pool.partStart(p.rows(), w);
            int rowTo = (int) pool.partStart(p.rows(), w + 1);
            if (rowFrom == rowTo) {
                continue;
            }
            if (scale != 1) {
                float[][] g = total.at(i);
                for (int r = rowFrom; r < rowTo; r++) {
                    for (int c = 0; c < g[r].length; c++) {
                        g[r][c] *= scale;
                    }
                }
            }
            adam.update(i, total, rowFrom, rowTo);
            total.zero(i, rowFrom, rowTo);
        }
    }
}
