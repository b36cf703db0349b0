package dev.llmedt.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One HTTP exchange of {@link OpenAiTransport}, bounded in time and size: the status, headers and
 * whole body must arrive within the request time-out (the JDK's own time-out covers the headers
 * only) and the body may not pass the maximum response size; the exchange is cancelled when either
 * bound is crossed. Retries, the circuit breaker and the counts stay with the transport.
 */
final class BoundedExchange {

    private final HttpClient http;
    private final Duration requestTimeout;
    private final long maxResponseBytes;

    BoundedExchange(Duration connectTimeout, Duration requestTimeout, long maxResponseBytes) {
        this.requestTimeout = requestTimeout;
        this.maxResponseBytes = maxResponseBytes;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    /**
     * Runs one exchange within the request time-out, status, headers and body together, and with
     * the body capped at the maximum size; cancels the exchange when the time is up.
     */
    HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException, TimeoutException {
        AtomicReference<CappedBody> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, info -> {
            CappedBody b = new CappedBody(maxResponseBytes, info);
            body.set(b);
            return b;
        });
        try {
            return future.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof IOException io) {
                // The client wraps the subscriber's failure; keep ours recognisable.
                for (Throwable c = io; c != null; c = c.getCause()) {
                    if (c instanceof ResponseTooLargeException big) {
                        throw big;
                    }
                }
                throw io;
            }
            if (cause instanceof ResponseTooLargeException big) {
                throw big;
            }
            throw new IOException(String.valueOf(cause), cause);
        } catch (TimeoutException | InterruptedException e) {
            // Cancelling the future aborts the exchange; cancelling the body's subscription also stops a trickling body.
            future.cancel(true);
            CappedBody b = body.get();
            if (b != null) {
                b.cancel();
            }
            throw e;
        }
    }

    /** An answer longer than the maximum response size. */
    static final class ResponseTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        ResponseTooLargeException(String message) {
            super(message);
        }
    }

    /** Collects the body up to a maximum size; beyond it, cancels the exchange. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile Flow.Subscription subscription;

        CappedBody(long max, HttpResponse.ResponseInfo info) {
            this.max = max;
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > max) {
                result.completeExceptionally(tooLarge(declared + " bytes announced"));
            }
        }

        private ResponseTooLargeException tooLarge(String what) {
            return new ResponseTooLargeException("answer too large: " + what + ", more than the limit of " + max
                    + " bytes (maxResponseBytes)");
        }

        void cancel() {
            result.completeExceptionally(new IOException("cancelled at the deadline"));
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (result.isDone()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if (bytes.size() + (long) n > max) {
                    result.completeExceptionally(tooLarge("more than " + max + " bytes received"));
                    subscription.cancel();
                    return;
                }
                byte[] chunk = new byte[n];
                b.get(chunk);
                bytes.write(chunk, 0, n);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }
    }
}
