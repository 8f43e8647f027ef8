package io.loopbridge.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The async client the scenarios call: JDK {@link HttpClient#sendAsync} to the demo's own
 * {@code /downstream/users/{id}} (HTTP/1.1, loopback). Its executor ({@code demo-http-N} daemon threads)
 * is shut down when the web app is undeployed.
 *
 * <p>Threads: {@link #user} from any thread (a loop thread, a request thread); the returned future
 * completes on a {@code demo-http-N} thread; {@code loop.await(...)} brings it back onto a loop.
 */
final class DownstreamClient implements AutoCloseable {
    /** What {@code /downstream/users/{id}} answers. */
    record User(int id, String name) {}

    /** The downstream answered something other than 200. */
    static final class DownstreamException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DownstreamException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService executor;
    /**
     * Null once closed. JDK 17's HttpClient has no close(): its selector thread ends only when the client
     * is no longer referenced, and while it runs it keeps the web app reachable (its executor's thread
     * factory is a web app class). Dropping the reference on undeploy lets it end (RedeployIT).
     */
    private volatile HttpClient http;

    DownstreamClient() {
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "demo-http-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
        this.executor = pool;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).executor(executor);
        // the client's selector thread inherits this thread's context class loader: not the web app's
        Thread current = Thread.currentThread();
        ClassLoader webapp = current.getContextClassLoader();
        current.setContextClassLoader(null);
        try {
            this.http = builder.build();
        } finally {
            current.setContextClassLoader(webapp);
        }
    }

    /**
     * GET {@code base}/downstream/users/{id}?delayMs=&fail=: the client's own future, so that cancelling it
     * (as {@code loop.timeout} does) aborts the exchange. {@link #parse} reads the answer.
     */
    CompletableFuture<HttpResponse<String>> fetch(URI base, int id, int delayMs, boolean fail) {
        URI uri = base.resolve("downstream/users/" + id + "?delayMs=" + delayMs + "&fail=" + fail);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
        HttpClient client = http;
        if (client == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the downstream client is closed (the web"
                    + " app is being undeployed): no request to " + uri));
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The user in a 200 answer; {@link DownstreamException} naming the status and URI otherwise. */
    static User parse(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new DownstreamException("HTTP " + response.statusCode() + " from " + response.uri());
        }
        try {
            return JSON.readValue(response.body(), User.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from " + response.uri() + ": " + response.body(), e);
        }
    }

    @Override
    public void close() {
        http = null;
        executor.shutdownNow();
    }
}
