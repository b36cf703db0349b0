package dev.llmedt.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.OpenAiCompatible;
import dev.llmedt.text.TextGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The generator against broken endpoints (issue 20, point 3): a raw socket server on 127.0.0.1
 * that trickles the body after the headers, says nothing, answers HTTP 500 or garbage, and a port
 * where nothing listens. Each run must finish within a bound computed from the deadline, fall back
 * (every imbalanced user keeps its sequence, no generated item), and count what happened: after 5
 * consecutive failed requests the circuit breaker refuses the remaining prompts without a request.
 *
 * <p>The augmenter sends one prompt at a time (6 prompts, 2 attempts each) so the counts are exact:
 * prompts 1 and 2 fail after 2 requests each, prompt 3's first request is the 5th failure, which
 * opens the breaker (no retry), and prompts 4 to 6 are refused. Without the breaker that would be
 * 12 requests; without the whole-request deadline the trickle would never end.
 */
class GeneratorFaultInjectionTest {

    private static final Duration DEADLINE = Duration.ofMillis(500);
    private static final int ATTEMPTS = 2;
    private static final int BREAKER = 5;
    private static final int PROMPTS = 6;
    private static final Duration SLACK = Duration.ofSeconds(4);

    /** A loopback server that misbehaves in one way; counts the requests it receives (one per connection). */
    private static final class FaultServer implements AutoCloseable {

        enum Mode {
            TRICKLE, SILENCE, ERROR_500, GARBAGE
        }

        private final ServerSocket socket;
        private final Mode mode;
        final AtomicInteger requests = new AtomicInteger();
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        FaultServer(Mode mode) throws IOException {
            this.mode = mode;
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(this::accept, "fault-server-" + mode);
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI baseUrl() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1");
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    open.add(s);
                    Thread t = new Thread(() -> serve(s), "fault-server-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                readRequest(in);
                requests.incrementAndGet();
                switch (mode) {
                    case SILENCE -> in.read(); // until the client gives up and closes the connection
                    case TRICKLE -> {
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"choices\": ")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        for (int i = 0; i < 100_000; i++) {
                            Thread.sleep(1000);
                            out.write(' ');
                            out.flush();
                        }
                    }
                    case ERROR_500 -> respond(out, 500, "{\"error\": \"model crashed\"}");
                    case GARBAGE -> respond(out, 200, "<html>502 Bad Gateway</html> \u0000\u00ff{{");
                    default -> throw new IllegalStateException();
                }
            } catch (IOException | InterruptedException e) {
                // the client hung up
            }
        }

        private static void readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
            String headers = head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            int at = headers.indexOf("content-length:");
            if (at >= 0) {
                int length = Integer.parseInt(headers.substring(at + 15, headers.indexOf('\r', at)).strip());
                in.readNBytes(length);
            }
        }

        private static void respond(OutputStream out, int status, String body) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + b.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }

    /** Records how each call of the generator ended and how long it took. */
    private static final class Recorder implements TextGenerator {
        private final TextGenerator delegate;
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<Long> millis = new CopyOnWriteArrayList<>();

        Recorder(TextGenerator delegate) {
            this.delegate = delegate;
        }

        @Override
        public String modelId() {
            return delegate.modelId();
        }

        @Override
        public String generate(String prompt) {
            long t0 = System.nanoTime();
            try {
                return delegate.generate(prompt);
            } catch (RuntimeException e) {
                failures.add(e.getMessage());
                throw e;
            } finally {
                millis.add((System.nanoTime() - t0) / 1_000_000);
            }
        }

        long refused() {
            return failures.stream().filter(m -> m.contains("not sent, the circuit breaker is open")).count();
        }
    }

    private record Run(AugmentedData augmented, Recorder recorder, long millis) {
    }

    private static Run augment(URI endpoint) {
        CdsrDataset data = GeneratorAugmentationTest.data();
        HashingEncoder encoder = new HashingEncoder(128);
        ItemEmbeddings embeddings = ItemEmbeddings.encode(data.items(), encoder, ItemTextTemplate.titles(), ProgressListener.none());
        TextGenerator client = OpenAiCompatible.chat(endpoint, "fake").requestTimeout(DEADLINE).connectTimeout(DEADLINE)
                .maxAttempts(ATTEMPTS).backoff(Duration.ofMillis(5), Duration.ofMillis(10)).maxConcurrency(1).build();
        Recorder recorder = new Recorder(client);
        TransferableItemAugmenter augmenter = TransferableItemAugmenter.builder().generator(recorder, encoder).generatorConcurrency(1)
                .similarityThreshold(0.6).clusters(2).seed(3).build();
        long t0 = System.nanoTime();
        AugmentedData a = augmenter.augment(data, embeddings);
        return new Run(a, recorder, (System.nanoTime() - t0) / 1_000_000);
    }

    /** The whole run, bounded in the test: the breaker's requests, each within the deadline, plus slack. */
    private static Run boundedRun(URI endpoint) {
        Duration bound = DEADLINE.multipliedBy(BREAKER).plus(SLACK);
        return assertTimeoutPreemptively(bound.plus(Duration.ofSeconds(5)), () -> {
            Run r = augment(endpoint);
            assertTrue(r.millis() <= bound.toMillis(), "the run took " + r.millis() + " ms, more than " + bound.toMillis() + " ms");
            for (long m : r.recorder().millis) {
                assertTrue(m <= DEADLINE.multipliedBy(ATTEMPTS).plus(SLACK).toMillis(),
                        "one call took " + m + " ms, more than deadline x attempts + slack");
            }
            return r;
        });
    }

    /** Every prompt failed or was refused: the augmenter fell back (nothing generated, nothing inserted) and counted them. */
    private static void assertFellBack(Run r, int refused) {
        AugmentationReport report = r.augmented().report();
        assertEquals(PROMPTS, report.generatorCalls(), "one prompt per imbalanced user");
        assertEquals(PROMPTS, report.generatorFailures(), "every prompt failed: " + r.recorder().failures);
        assertEquals(0, report.insertions(), "no generated item without an answer");
        assertEquals(PROMPTS, r.recorder().failures.size());
        assertEquals(refused, r.recorder().refused(), "refused by the circuit breaker: " + r.recorder().failures);
    }

    @Test
    void aBodyTrickledAfterTheHeadersIsCutAtTheDeadline() throws Exception {
        try (FaultServer server = new FaultServer(FaultServer.Mode.TRICKLE)) {
            Run r = boundedRun(server.baseUrl());
            assertFellBack(r, 3);
            assertEquals(BREAKER, server.requests.get(), "2 + 2 + 1 requests, then the breaker opens");
            assertTrue(r.recorder().failures.get(0).contains("timed out after 500 ms"), r.recorder().failures.get(0));
        }
    }

    @Test
    void aServerThatNeverAnswersCostsTheBreakerNotEveryPrompt() throws Exception {
        try (FaultServer server = new FaultServer(FaultServer.Mode.SILENCE)) {
            Run r = boundedRun(server.baseUrl());
            assertFellBack(r, 3);
            assertEquals(BREAKER, server.requests.get());
            assertTrue(r.recorder().failures.get(0).contains("timed out after 500 ms"), r.recorder().failures.get(0));
        }
    }

    @Test
    void serverErrorsAreRetriedUntilTheBreakerOpens() throws Exception {
        try (FaultServer server = new FaultServer(FaultServer.Mode.ERROR_500)) {
            Run r = boundedRun(server.baseUrl());
            assertFellBack(r, 3);
            assertEquals(BREAKER, server.requests.get());
            assertTrue(r.recorder().failures.get(0).contains("HTTP 500") && r.recorder().failures.get(0).contains("model crashed"),
                    r.recorder().failures.get(0));
        }
    }

    @Test
    void garbageIsNotRetriedAndOpensTheBreakerAfterFiveAnswers() throws Exception {
        try (FaultServer server = new FaultServer(FaultServer.Mode.GARBAGE)) {
            Run r = boundedRun(server.baseUrl());
            assertFellBack(r, 1);
            assertEquals(BREAKER, server.requests.get(), "one request per prompt (a malformed answer is not retried)");
            assertTrue(r.recorder().failures.get(0).contains("malformed response"), r.recorder().failures.get(0));
        }
    }

    @Test
    void aDeadPortIsGivenUpAfterTheBreaker() throws Exception {
        URI dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/v1");
        }
        Run r = boundedRun(dead);
        assertFellBack(r, 3);
        assertTrue(r.recorder().failures.get(0).contains("connection failed"), r.recorder().failures.get(0));
    }
}
