package io.loopbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load generator's accounting on tiny runs against a local {@code com.sun.net.httpserver} on
 * 127.0.0.1 (an ephemeral port). The runs end by their request count, well inside their time bound, so
 * every request sent is counted and the client's counts can be checked against the server's.
 */
@Timeout(60)
class LoadGeneratorTest {
    private static final Duration LONG_WINDOW = Duration.ofSeconds(30);

    static {
        // com.sun.net.httpserver writes headers and body separately: without TCP_NODELAY each response waits
        // for the client's delayed ACK (read once, when its ServerConfig class is first loaded)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    private HttpServer server;
    private ExecutorService serverThreads;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong served500 = new AtomicLong();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        serverThreads = Executors.newFixedThreadPool(8);
        server.setExecutor(serverThreads);
        // fixed-length bodies, keep-alive
        server.createContext("/ok", exchange -> respond(exchange.getResponseBody(), exchange, 200, "hello".getBytes()));
        // every third request fails with 500; bodies chunked (length 0 means chunked in com.sun.net.httpserver)
        server.createContext("/mixed", exchange -> {
            long n = served.incrementAndGet();
            int status = n % 3 == 0 ? 500 : 200;
            if (status == 500) {
                served500.incrementAndGet();
            }
            exchange.sendResponseHeaders(status, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(("{\"n\":" + n + "}").getBytes(StandardCharsets.US_ASCII));
            }
        });
        // no body at all
        server.createContext("/gone", exchange -> {
            exchange.sendResponseHeaders(410, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private static void respond(OutputStream body, com.sun.net.httpserver.HttpExchange exchange, int status, byte[] bytes)
            throws IOException {
        exchange.sendResponseHeaders(status, bytes.length);
        try (body) {
            body.write(bytes);
        }
    }

    private InetSocketAddress target() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
    }

    @Test
    void countsAddUpAndPercentilesAreMonotone() throws InterruptedException {
        LoadGenerator.Result result = LoadGenerator.run(target(), "/ok",
                new LoadGenerator.Settings(4, Duration.ZERO, LONG_WINDOW, 400, Duration.ofSeconds(10)));

        assertThat(result.sent()).isEqualTo(400);
        assertThat(result.completed()).isEqualTo(400);
        assertThat(result.byStatus()).containsExactly(Map.entry(200, 400L));
        assertThat(result.ok()).isEqualTo(400);
        assertThat(result.errors()).isZero();
        assertThat(result.latencyNanos().getTotalCount()).isEqualTo(result.completed());
        double p50 = result.millisAt(50);
        double p90 = result.millisAt(90);
        double p99 = result.millisAt(99);
        double p999 = result.millisAt(99.9);
        assertThat(p50).isPositive();
        assertThat(p90).isGreaterThanOrEqualTo(p50);
        assertThat(p99).isGreaterThanOrEqualTo(p90);
        assertThat(p999).isGreaterThanOrEqualTo(p99);
        assertThat(result.latencyNanos().getMaxValue() / 1e6).isGreaterThanOrEqualTo(p999 * 0.999);
        // ended by its count, long before the 30 s window: the window used is what it took
        assertThat(result.seconds()).isPositive().isLessThan(LONG_WINDOW.toSeconds());
        assertThat(result.throughput()).isEqualTo(400 / result.seconds());
    }

    @Test
    void errorsAreCountedByStatusAndMatchTheServer() throws InterruptedException {
        LoadGenerator.Result result = LoadGenerator.run(target(), "/mixed",
                new LoadGenerator.Settings(3, Duration.ZERO, LONG_WINDOW, 300, Duration.ofSeconds(10)));

        assertThat(served.get()).isEqualTo(300);
        assertThat(result.completed()).isEqualTo(300);
        assertThat(result.byStatus()).containsOnlyKeys(200, 500);
        assertThat(result.byStatus().get(500)).isEqualTo(served500.get()).isEqualTo(100);
        assertThat(result.byStatus().get(200)).isEqualTo(200);
        assertThat(result.ok() + result.errors()).isEqualTo(result.completed());
        assertThat(result.errors()).isEqualTo(100);
        assertThat(result.latencyNanos().getTotalCount()).isEqualTo(300);
    }

    @Test
    void responsesWithoutBodyAndIoErrorsAreCounted() throws Exception {
        LoadGenerator.Result gone = LoadGenerator.run(target(), "/gone",
                new LoadGenerator.Settings(2, Duration.ZERO, LONG_WINDOW, 50, Duration.ofSeconds(10)));
        assertThat(gone.byStatus()).containsExactly(Map.entry(410, 50L));
        assertThat(gone.ok()).isZero();
        assertThat(gone.throughput()).isZero();

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort(); // closed again below: nothing listens there
        }
        LoadGenerator.Result refused = LoadGenerator.run(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort),
                "/ok", new LoadGenerator.Settings(2, Duration.ZERO, LONG_WINDOW, 20, Duration.ofSeconds(2)));
        assertThat(refused.byStatus()).containsExactly(Map.entry(LoadGenerator.IO_ERROR, 20L));
        assertThat(refused.errors()).isEqualTo(20);
    }

    @Test
    void timeBoundEndsARunThatTheCountWouldNot() throws InterruptedException {
        LoadGenerator.Result result = LoadGenerator.run(target(), "/ok",
                new LoadGenerator.Settings(2, Duration.ofMillis(50), Duration.ofMillis(200), Long.MAX_VALUE,
                        Duration.ofSeconds(10)));
        assertThat(result.seconds()).isEqualTo(0.2);
        assertThat(result.sent()).isGreaterThan(result.completed()); // warm-up requests are sent, not counted
        assertThat(result.completed()).isEqualTo(result.latencyNanos().getTotalCount()).isPositive();
    }

    @Test
    void refusesNonLoopbackTargets() {
        assertThatThrownBy(() -> LoadGenerator.run(new InetSocketAddress("192.0.2.1", 80), "/",
                new LoadGenerator.Settings(1, Duration.ZERO, Duration.ofSeconds(1), 1, Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
    }
}
