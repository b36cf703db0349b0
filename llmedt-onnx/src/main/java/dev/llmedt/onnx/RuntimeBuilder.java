package dev.llmedt.onnx;

/**
 * The ONNX Runtime settings the builders of this package share: intra-op threads, whether CUDA is
 * required, and the CUDA device. Each setter checks its argument at once.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class RuntimeBuilder<B extends RuntimeBuilder<B>> {

    private int threads = RuntimeSession.Settings.defaults().threads();
    private boolean requireGpu;
    private int gpuDevice;

    /** Returns this builder as its concrete type. */
    abstract B self();

    /**
     * Sets ONNX Runtime's intra-op threads per call (default: all processors).
     *
     * @throws IllegalArgumentException unless 1 to 1,024
     */
    public B threads(int threads) {
        this.threads = RuntimeSession.Settings.checkThreads(threads);
        return self();
    }

    /**
     * Requires CUDA: {@code build()} fails with an {@link IllegalStateException} when ONNX Runtime
     * offers no CUDA execution provider or it does not start, instead of running on CPU (default
     * false).
     */
    public B requireGpu(boolean require) {
        this.requireGpu = require;
        return self();
    }

    /**
     * Sets the CUDA device (default 0).
     *
     * @throws IllegalArgumentException when negative
     */
    public B gpuDevice(int device) {
        this.gpuDevice = RuntimeSession.Settings.checkGpuDevice(device);
        return self();
    }

    /** Returns the settings made so far. */
    RuntimeSession.Settings runtimeSettings() {
        return new RuntimeSession.Settings(threads, requireGpu, gpuDevice);
    }
}
