package io.loopbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.annotations.AnnotationConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * Embedded Jetty 12 on an ephemeral 127.0.0.1 port, deploying the BUILT demo WAR (system property
 * {@code demo.war}, set by failsafe) at {@code /}, and a JDK HttpClient to call it.
 *
 * <p>Threads: its methods are called by the test thread; Jetty serves on its own pool ({@code it-jetty-N},
 * a fixed size, so that its thread count does not drift), or, {@link #startWithDemoOnVirtualThreads()}
 * (JDK 21+), runs every request on a new virtual thread {@code it-jetty-vt-N}.
 */
final class DemoServer implements AutoCloseable {
    static final int JETTY_THREADS = 48;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERVER_TIMING_METRIC = Pattern.compile("([a-z]+);dur=([0-9.]+)");

    private final Server server;
    private final ServerConnector connector;
    private final ContextHandlerCollection contexts = new ContextHandlerCollection();
    /** Counts the requests in progress, including those whose handler returned and that wait asynchronously. */
    private final StatisticsHandler requests = new StatisticsHandler(contexts);
    /** The test's own HTTP client threads: a fixed few, so that they do not drift the thread count. */
    private final ExecutorService clientThreads = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "it-http");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(clientThreads).build();
    private WebAppContext webapp;

    /** The name prefix of the request threads of {@link #startWithDemoOnVirtualThreads()}. */
    static final String VIRTUAL_THREAD_PREFIX = "it-jetty-vt-";

    private DemoServer(boolean virtualThreads) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(JETTY_THREADS, JETTY_THREADS);
        threads.setName("it-jetty");
        if (virtualThreads) { // as Jetty's module threadpool-virtual and src/main/jetty/virtual-threads.xml do
            VirtualThreadPool requests = new VirtualThreadPool();
            requests.setName(VIRTUAL_THREAD_PREFIX);
            threads.setVirtualThreadsExecutor(requests);
        }
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(requests);
        server.start();
    }

    /** A started server with no web app. */
    static DemoServer start() throws Exception {
        return new DemoServer(false);
    }

    /** A started server with the demo deployed, serving requests on virtual threads (JDK 21+). */
    static DemoServer startWithDemoOnVirtualThreads() throws Exception {
        DemoServer server = new DemoServer(true);
        server.deploy();
        return server;
    }

    /** A started server with the demo deployed. */
    static DemoServer startWithDemo() throws Exception {
        DemoServer server = start();
        server.deploy();
        return server;
    }

    /** Deploys the built WAR at {@code /}; fails if the web app does not start. */
    void deploy() throws Exception {
        Path war = Path.of(System.getProperty("demo.war", "target/loopbridge-demo-webapp-0.1.0-SNAPSHOT.war"));
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("no WAR at " + war.toAbsolutePath() + ": run the integration tests with"
                    + " 'mvn verify' (the package phase builds it)");
        }
        WebAppContext context = new WebAppContext();
        context.setContextPath("/");
        context.setWar(war.toString());
        context.addConfiguration(new AnnotationConfiguration()); // runs Spring's ServletContainerInitializer
        context.setThrowUnavailableOnStartupException(true);
        // scan WEB-INF/classes and only the jars between DemoInitializer and Spring's initializer: a faster deploy
        context.setAttribute("org.eclipse.jetty.server.webapp.WebInfIncludeJarPattern", ".*/spring-web(mvc)?-[^/]*\\.jar$");
        contexts.addHandler(context);
        context.start();
        webapp = context;
    }

    /** The web app's class loader (while deployed). */
    ClassLoader webappClassLoader() {
        return webapp.getClassLoader();
    }

    /** Stops and removes the web app: Spring's context closes, and with it every bridge. */
    void undeploy() throws Exception {
        WebAppContext context = webapp;
        webapp = null;
        context.stop();
        contexts.removeHandler(context);
        context.destroy();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/" + pathAndQuery);
    }

    /** The server's socket address (127.0.0.1 and its ephemeral port): for raw-socket clients. */
    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", connector.getLocalPort());
    }

    /**
     * Waits until no bridge has a call in flight (at most {@code atMost}), then checks that every bridge's
     * counters add up: calls = successes + failures + timeouts + rejections + nested refusals.
     */
    void assertBridgesSettled(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (JsonNode bridge : json(get("api/stats")).get("bridges")) {
                assertThat(bridge.get("inFlight").asLong()).as("calls in flight on %s", bridge).isZero();
            }
        });
        for (JsonNode bridge : json(get("api/stats")).get("bridges")) {
            long ended = bridge.get("successes").asLong() + bridge.get("failures").asLong()
                    + bridge.get("timeouts").asLong() + bridge.get("rejections").asLong()
                    + bridge.get("nestedRefusals").asLong();
            assertThat(ended).as("the outcomes of %s add up to its calls", bridge).isEqualTo(bridge.get("calls").asLong());
        }
    }

    /** Starts counting {@link #maxRequestsInProgress()} afresh. */
    void resetRequestCounts() {
        requests.reset();
    }

    /**
     * The most requests in progress at once since the server started or {@link #resetRequestCounts()}: more
     * than {@link #JETTY_THREADS} means that some of them waited without holding a Jetty thread.
     */
    int maxRequestsInProgress() {
        return requests.getRequestsActiveMax();
    }

    HttpClient http() {
        return http;
    }

    HttpResponse<String> get(String pathAndQuery) {
        return get(pathAndQuery, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String pathAndQuery) {
        return get(pathAndQuery, HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> get(String pathAndQuery, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request(pathAndQuery), body);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + pathAndQuery + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + pathAndQuery, e);
        }
    }

    CompletableFuture<HttpResponse<String>> getAsync(String pathAndQuery) {
        return http.sendAsync(request(pathAndQuery), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /**
     * The metrics of a response's {@code Server-Timing} header ({@code name;dur=ms;desc="..."}, comma
     * separated), by name in the header's order, in milliseconds; fails when there is no header.
     */
    static Map<String, Double> serverTiming(HttpResponse<String> response) {
        String header = response.headers().firstValue("Server-Timing")
                .orElseThrow(() -> new AssertionError("no Server-Timing on " + response.uri() + " (" + response.statusCode() + ")"));
        return serverTiming(header);
    }

    /** The metrics of a {@code Server-Timing} value, by name in its order, in milliseconds. */
    static Map<String, Double> serverTiming(String header) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        Matcher metric = SERVER_TIMING_METRIC.matcher(header);
        while (metric.find()) {
            metrics.put(metric.group(1), Double.parseDouble(metric.group(2)));
        }
        return metrics;
    }

    /** The stats of bridge {@code name} from {@code /api/stats}. */
    JsonNode stats(String name) {
        for (JsonNode bridge : json(get("api/stats")).get("bridges")) {
            if (bridge.get("name").asText().equals(name)) {
                return bridge;
            }
        }
        throw new AssertionError("no bridge '" + name + "' in /api/stats");
    }

    @Override
    public void close() throws Exception {
        if (webapp != null) {
            undeploy(); // a context started by hand is not stopped by server.stop(): its bridges would live on
        }
        server.stop();
        clientThreads.shutdownNow();
    }
}
