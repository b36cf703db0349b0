package dev.llmedt.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 (JDK HttpServer) that answers every request with a reply
 * chosen by a script from the request's number and JSON body. Records each request.
 */
public final class ScriptedServer implements AutoCloseable {

    /** A reply: status, body, extra headers, and a delay before answering. */
    public record Reply(int status, String body, Map<String, String> headers, long delayMillis) {
        public static Reply json(String body) {
            return new Reply(200, body, Map.of(), 0);
        }

        public static Reply status(int status, String body) {
            return new Reply(status, body, Map.of(), 0);
        }
    }

    /** Chooses the reply to the n-th request (from 1). */
    public interface Script {
        Reply reply(int n, JsonNode request) throws Exception;
    }

    /** A recorded request. */
    public record Request(String path, String authorization, JsonNode body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    public ScriptedServer(Script script) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.createContext("/", exchange -> handle(exchange, script));
        server.start();
    }

    private void handle(HttpExchange exchange, Script script) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        // A request stops being in flight before its reply is sent: once the client has the reply it may send its next
        // request, which must not find this one still counted (that race once made a bound of 2 read as 3).
        AtomicBoolean answered = new AtomicBoolean();
        Runnable done = () -> {
            if (answered.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        try (exchange) {
            byte[] in = exchange.getRequestBody().readAllBytes();
            JsonNode body = in.length == 0 ? JSON.nullNode() : JSON.readTree(in);
            requests.add(new Request(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"), body));
            Reply reply;
            try {
                reply = script.reply(count.incrementAndGet(), body);
            } catch (Exception e) {
                reply = Reply.status(599, "script failed: " + e);
            }
            if (reply.delayMillis() > 0) {
                try {
                    Thread.sleep(reply.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            done.run();
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (IOException e) {
            // the client gave up (time-out tests)
        } finally {
            done.run();
        }
    }

    /** Returns the API root, {@code http://127.0.0.1:PORT/v1}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    public int requestCount() {
        return count.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** An OpenAI embeddings answer with the given vectors, listed in reverse order with their index. */
    public static String embeddings(float[]... vectors) {
        StringBuilder sb = new StringBuilder("{\"object\": \"list\", \"data\": [");
        for (int i = vectors.length - 1; i >= 0; i--) {
            sb.append("{\"object\": \"embedding\", \"index\": ").append(i).append(", \"embedding\": [");
            for (int j = 0; j < vectors[i].length; j++) {
                sb.append(j == 0 ? "" : ", ").append(vectors[i][j]);
            }
            sb.append("]}").append(i == 0 ? "" : ", ");
        }
        return sb.append("], \"model\": \"m\", \"usage\": {\"prompt_tokens\": 1, \"total_tokens\": 1}}").toString();
    }

    /** An OpenAI chat-completions answer with one choice. */
    public static String chat(String content) {
        return "{\"id\": \"c1\", \"object\": \"chat.completion\", \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", "
                + "\"content\": " + JSON.valueToTree(content) + "}, \"finish_reason\": \"stop\"}]}";
    }
}
