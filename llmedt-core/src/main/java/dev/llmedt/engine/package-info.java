/**
 * The pure-Java training engine: parameters, layers with explicit forward and backward passes,
 * losses, optimizers and a fixed worker pool. <b>Internal</b>: used by the models of this library,
 * not part of its supported API, and free to change.
 *
 * <p>Activations are feature-major: a matrix of {@code width} features over {@code R} rows (one
 * row per real sequence position, no padding) is a {@code float[width][capacity]}, feature
 * {@code f} of row {@code r} at {@code m[f][r]}. Inner loops then run over rows with one index
 * expression for every array, which is what the JIT vectorizes; parameters are row arrays in
 * PyTorch layout ({@code weight[out][in]}).
 *
 * <p>The sources of this package are also compiled in double precision for the tests (the build
 * generates {@code dev.llmedt.engine.f64} from them), so gradients are checked against finite
 * differences in float64 on the very same code. Write them so that replacing {@code float} by
 * {@code double} keeps them correct: no float-only APIs, literals without an {@code f} suffix
 * except where a cast makes the type explicit.
 */
package dev.llmedt.engine;
