package dev.llmedt.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.llmedt.check.Require;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session that concurrent calls share: the session options and execution
 * provider (CUDA when ONNX Runtime offers it and it starts, otherwise CPU; an error instead of CPU
 * when the GPU is required), and a life cycle in which {@link #close()} waits for the calls in
 * flight and later calls fail. The one place where llmedt opens ONNX Runtime sessions. Why a
 * session runs on CPU is logged once per JVM ({@link #CPU_FALLBACK}), each session's placement at
 * INFO.
 */
final class RuntimeSession {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeSession.class);

    /** What the CPU-only message suggests. */
    private static final String GPU_HINT = "use com.microsoft.onnxruntime:onnxruntime_gpu with CUDA 12 and cuDNN 9 for a GPU";

    /** What the onnxruntime_gpu build needs when its CUDA provider does not start. */
    private static final String CUDA_NEEDS = "onnxruntime_gpu needs the CUDA 12 and cuDNN 9 libraries on the library path "
            + "(LD_LIBRARY_PATH or PATH); a host with CUDA 13 only cannot load it";

    /**
     * The CUDA devices on which the CUDA execution provider failed to start in this JVM (its
     * libraries are missing, say): later sessions that do not require the GPU go to CPU at once
     * instead of failing again, each time with ONNX Runtime's own error lines on stderr.
     */
    private static final Set<Integer> CUDA_FAILED_DEVICES = ConcurrentHashMap.newKeySet();

    /** Why this JVM's sessions run on CPU, said once (the first CPU session), later at DEBUG. */
    static final CpuFallbackNotice CPU_FALLBACK = new CpuFallbackNotice();

    /**
     * Logs the fall back to CPU once: the first report at WARN when ONNX Runtime offers CUDA but it
     * did not work (a GPU was expected), at INFO when it offers none (the CPU build), every later
     * report at DEBUG. Thread-safe.
     */
    static final class CpuFallbackNotice {

        private final AtomicBoolean reported = new AtomicBoolean();
        private final AtomicInteger loudReports = new AtomicInteger();

        /**
         * Reports that a session runs on CPU.
         *
         * @param cudaOffered whether ONNX Runtime offers the CUDA execution provider
         * @param reason why the session runs on CPU
         * @return whether this report was the one logged at WARN or INFO
         */
        boolean report(boolean cudaOffered, String reason) {
            if (!reported.compareAndSet(false, true)) {
                LOG.debug("ONNX Runtime runs on CPU: {}", reason);
                return false;
            }
            loudReports.incrementAndGet();
            if (cudaOffered) {
                LOG.warn("ONNX Runtime offers CUDA, but {}; falling back to CPU ({}). Logged once per JVM", reason, CUDA_NEEDS);
            } else {
                LOG.info("ONNX Runtime runs on CPU: {}; {}. Logged once per JVM", reason, GPU_HINT);
            }
            return true;
        }

        /** Returns how many reports were logged at WARN or INFO: 0 before the first, 1 after. */
        int loudReports() {
            return loudReports.get();
        }
    }

    /**
     * Where and how a session runs.
     *
     * @param threads ONNX Runtime's intra-op threads per call, in [1, 1024]
     * @param requireGpu fail instead of falling back to CPU when CUDA is absent or does not start
     * @param gpuDevice the CUDA device, at least 0
     */
    record Settings(int threads, boolean requireGpu, int gpuDevice) {

        /** Validates the fields; messages name the setting, the value and the allowed range. */
        Settings {
            checkThreads(threads);
            checkGpuDevice(gpuDevice);
        }

        /** The default: all processors, CUDA device 0 when present, CPU otherwise. */
        static Settings defaults() {
            return new Settings(Runtime.getRuntime().availableProcessors(), false, 0);
        }

        static int checkThreads(int threads) {
            return Require.inRange("threads", threads, 1, 1024);
        }

        static int checkGpuDevice(int device) {
            return Require.atLeast("gpuDevice", device, 0);
        }
    }

    /** Creates the session from prepared options (from a file, or from bytes). */
    interface Factory {
        OrtSession create(OrtEnvironment environment, OrtSession.SessionOptions options) throws OrtException;
    }

    /** Work done on the open session. */
    interface Call<T> {
        T run(OrtSession session) throws OrtException;
    }

    private final String source;
    private final Settings settings;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final boolean gpu;
    private final String cpuReason;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private RuntimeSession(String source, Settings settings, OrtSession.SessionOptions options, OrtSession session, boolean gpu,
            String cpuReason) {
        this.source = source;
        this.settings = settings;
        this.options = options;
        this.session = session;
        this.gpu = gpu;
        this.cpuReason = cpuReason;
    }

    /**
     * Opens a session on CUDA when ONNX Runtime offers it (retrying on CPU when CUDA fails and the
     * GPU is not required), otherwise on CPU.
     *
     * @param source what is loaded, for messages (a file name or a description)
     * @throws IllegalStateException when the GPU is required and CUDA is absent or fails
     * @throws OrtException when the model cannot be loaded on CPU either
     */
    static RuntimeSession open(String source, Settings settings, Factory factory) throws OrtException {
        String cpuReason = "no CUDA execution provider";
        String cpuDetail = cpuReason;
        for (boolean allowGpu : new boolean[] {true, false}) {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            boolean gpu = false;
            try {
                configure(options, settings.threads());
                if (allowGpu) {
                    String noCuda = addCuda(options, settings, source);
                    gpu = noCuda == null;
                    if (!gpu && OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                        cpuReason = "the CUDA execution provider did not start";
                        cpuDetail = noCuda;
                    }
                }
                OrtSession session = factory.create(RuntimeFiles.environment(), options);
                if (!gpu) {
                    CPU_FALLBACK.report(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), cpuDetail);
                }
                return new RuntimeSession(source, settings, options, session, gpu, cpuReason);
            } catch (OrtException e) {
                options.close();
                if (gpu && !settings.requireGpu()) {
                    cpuReason = "the model did not open on CUDA";
                    cpuDetail = "ONNX Runtime could not open " + source + " on CUDA device " + settings.gpuDevice() + " ("
                            + oneLine(e.getMessage()) + ")";
                    continue;
                }
                if (gpu) {
                    throw new IllegalStateException("requireGpu(true), but ONNX Runtime could not open " + source + " on CUDA device "
                            + settings.gpuDevice() + ": " + e.getMessage(), e);
                }
                throw e;
            } catch (RuntimeException e) {
                options.close();
                throw e;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Sets threads and optimisation. */
    private static void configure(OrtSession.SessionOptions options, int threads) throws OrtException {
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // Idle ONNX Runtime workers sleep instead of spinning: spinning workers take the cores
        // that tokenisation, pooling and the rest of the JVM need between runs. TextEncoderBenchmark
        // (batch 32, 2 cores): 308 texts/s without spinning, 246 with it on an idle machine; 161
        // against 98 while another process used about one core.
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
    }

    /** Adds the CUDA execution provider when offered; returns null when it was added, otherwise why not. */
    private static String addCuda(OrtSession.SessionOptions options, Settings settings, String source) {
        EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
        if (!providers.contains(OrtProvider.CUDA)) {
            if (settings.requireGpu()) {
                throw new IllegalStateException("requireGpu(true), but ONNX Runtime offers no CUDA execution provider (available: "
                        + providers + "). Put com.microsoft.onnxruntime:onnxruntime_gpu in place of onnxruntime on the class path, "
                        + "with the CUDA 12 and cuDNN 9 libraries on the library path, or drop requireGpu to run " + source + " on CPU");
            }
            return "no CUDA execution provider";
        }
        if (!settings.requireGpu() && CUDA_FAILED_DEVICES.contains(settings.gpuDevice())) {
            return "the CUDA execution provider failed to start on device " + settings.gpuDevice() + " earlier in this JVM";
        }
        try {
            options.addCUDA(settings.gpuDevice());
            return null;
        } catch (OrtException e) {
            if (settings.requireGpu()) {
                throw new IllegalStateException("requireGpu(true), but the CUDA execution provider failed to start on device "
                        + settings.gpuDevice() + ": " + e.getMessage(), e);
            }
            CUDA_FAILED_DEVICES.add(settings.gpuDevice());
            return "the CUDA execution provider failed to start on device " + settings.gpuDevice() + " (" + oneLine(e.getMessage()) + ")";
        }
    }

    /** Joins the lines of an ONNX Runtime message, so that a log entry stays one line. */
    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Logs, in one INFO line, where the session runs; {@code what} says what it is ("text encoder"). */
    void logPlacement(String what) {
        if (gpu) {
            LOG.info("ONNX Runtime runs {} {} on CUDA device {}", what, source, settings.gpuDevice());
        } else {
            LOG.info("ONNX Runtime runs {} {} on CPU with {} intra-op thread(s) ({})", what, source, settings.threads(), cpuReason);
        }
    }

    /** Returns whether the session runs on CUDA. */
    boolean onGpu() {
        return gpu;
    }

    /** Returns what was loaded, for messages. */
    String source() {
        return source;
    }

    /** Returns the session, for inspection while the owner is being constructed (inputs, outputs, metadata). */
    OrtSession session() {
        return session;
    }

    /**
     * Runs work on the open session; any number of calls may run at once.
     *
     * @throws IllegalStateException when the session is closed
     */
    <T> T call(Call<T> call) throws OrtException {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the ONNX Runtime session of " + source + " is closed");
            }
            return call.run(session);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Closes the session after the calls in flight finish; returns false when it was closed already. */
    boolean close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("closing the ONNX session of {} failed: {}", source, e.getMessage());
            }
            options.close();
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
