package dev.llmedt.training;

import dev.llmedt.engine.Adam;
import dev.llmedt.engine.Gradients;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.WorkerPool;
import java.util.List;

/**
 * The end of a data-parallel step, split over the workers by parameter rows: the workers'
 * gradients are summed into worker 0's in worker order, optionally scaled (global-norm clipping),
 * applied by the optimizer and zeroed. <b>Internal</b>.
 */
public final class GradientSteps {

    private GradientSteps() {
    }

    /** Worker w: sums, applies and zeroes its rows of every trainable parameter (no clipping). */
    public static void reduceAndUpdate(WorkerPool pool, int w, List<Parameter> parameters, Gradients[] grads, Adam adam) {
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
            grads[0].accumulate(grads, i, rowFrom, rowTo);
            adam.update(i, grads[0], rowFrom, rowTo);
            for (Gradients g : grads) {
                g.zero(i, rowFrom, rowTo);
            }
        }
    }

    /** Worker w: sums its rows of every trainable parameter into worker 0's; returns their sum of squares (for the global norm). */
    public static double reduce(WorkerPool pool, int w, List<Parameter> parameters, Gradients[] grads) {
        double squares = 0;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (p.frozen()) {
                continue;
            }
            int rowFrom = (int) pool.partStart(p.rows(), w);
            int rowTo = (int) pool.partStart(p.rows(), w + 1);
            grads[0].accumulate(grads, i, rowFrom, rowTo);
            float[][] g = grads[0].at(i);
            for (int r = rowFrom; r < rowTo; r++) {
                for (float v : g[r]) {
                    squares += (double) v * v;
                }
            }
        }
        return squares;
    }

    /** Worker w, after {@link #reduce}: scales its rows by {@code scale} (1: unchanged), applies them and zeroes them. */
    public static void update(WorkerPool pool, int w, List<Parameter> parameters, Gradients[] grads, Adam adam, float scale) {
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
                float[][] g = grads[0].at(i);
                for (int r = rowFrom; r < rowTo; r++) {
                    for (int c = 0; c < g[r].length; c++) {
                        g[r][c] *= scale;
                    }
                }
            }
            adam.update(i, grads[0], rowFrom, rowTo);
            for (Gradients g : grads) {
                g.zero(i, rowFrom, rowTo);
            }
        }
    }
}
