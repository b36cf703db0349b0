package dev.llmedt.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.llmedt.text.TextEncoder;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The encoder wrapper for Spark tasks: a call that needs a deep stack (as MiniLM's native
 * tokenizer did in a Spark job) overflows a 1 MB task thread when called directly, and succeeds
 * through the wrapper, with the same result and the encoder's errors passed on.
 */
class DeepStackEncoderTest {

    /** Recursion depth that overflows a 1 MB stack (a few hundred bytes a frame) but not 64 MB. */
    private static final int DEPTH = 100_000;

    /** An encoder whose encode recurses DEPTH frames deep before answering. */
    private static class DeepEncoder implements TextEncoder {
        @Override
        public String modelId() {
            return "deep";
        }

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public float[][] encode(List<String> texts) {
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = new float[] {texts.get(i).length(), (float) depth(DEPTH, 0)};
            }
            return out;
        }

        private static double depth(int n, double acc) {
            return n == 0 ? acc : depth(n - 1, acc + 1e-9) + 1e-12;
        }
    }

    /** Runs {@code work} on a thread with Spark's default task stack of 1 MB; returns what it threw, or null. */
    private static Throwable onSmallStack(Runnable work) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                work.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "task", 1L << 20);
        t.start();
        t.join();
        return thrown.get();
    }

    @Test
    void aDeepCallOverflowsATaskStackButNotThroughTheWrapper() throws Exception {
        TextEncoder direct = new DeepEncoder();
        assertInstanceOf(StackOverflowError.class, onSmallStack(() -> direct.encode(List.of("tea"))), "the call needs a deep stack");

        TextEncoder wrapped = DeepStackEncoder.create(DeepEncoder::new);
        AtomicReference<float[][]> result = new AtomicReference<>();
        assertEquals(null, onSmallStack(() -> result.set(wrapped.encode(List.of("tea", "coffee")))));
        assertEquals(2, result.get().length);
        assertEquals(3f, result.get()[0][0]);
        assertEquals(6f, result.get()[1][0]);
        assertArrayEquals(result.get()[0], wrapped.encodeQueries(List.of("tea"))[0]);
        assertEquals("deep", wrapped.modelId());
        assertEquals(2, wrapped.dimension());
    }

    @Test
    void theEncodersErrorsReachTheCaller() {
        IllegalStateException boom = new IllegalStateException("model file corrupt");
        TextEncoder failing = DeepStackEncoder.create(() -> new DeepEncoder() {
            @Override
            public float[][] encode(List<String> texts) {
                throw boom;
            }
        });
        assertSame(boom, assertThrows(IllegalStateException.class, () -> failing.encode(List.of("tea"))));
    }
}
