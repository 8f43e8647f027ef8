package io.loopbridge.demo;

import static io.loopbridge.demo.DemoServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every endpoint of every mode over real HTTP, against the built WAR on embedded Jetty 12. The
 * failsafe configuration sets the bridges' timeout to 1500 ms and maxInFlight to 16.
 */
class DemoEndpointsIT {
    static final int MAX_IN_FLIGHT = 16;
    static final List<String> MODES = DemoMode.paths();
    static DemoServer server;

    @BeforeAll
    static void start() throws Exception {
        server = DemoServer.startWithDemo();
        server.get("api/shared/aggregate?ids=1"); // warms up the demo's HttpClient
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Each bridge mode, blocking ({@code /api/m/x}) and servlet-async ({@code /api/m/async/x}). */
    static Stream<Arguments> variants() {
        return Stream.of("per-call", "pooled", "shared").flatMap(mode -> Stream.of(
                Arguments.of(mode, "api/" + mode + "/"), Arguments.of(mode, "api/" + mode + "/async/")));
    }

    /** The thread the body runs on: the request thread for a blocking per-call call, else the bridge's. */
    private static String loopThreadPrefix(String mode, String prefix) {
        return switch (mode) {
            case "per-call" -> prefix.contains("/async/") ? "loopbridge-per-call-worker-" : "it-jetty-";
            case "pooled" -> "loopbridge-pooled-worker-";
            default -> "loopbridge-shared-loop-";
        };
    }

    private static JsonNode ok(String pathAndQuery) {
        HttpResponse<String> response = server.get(pathAndQuery);
        assertThat(response.statusCode()).as("GET %s -> %s", pathAndQuery, response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        return json(response);
    }

    private static JsonNode problem(String pathAndQuery, int status) {
        HttpResponse<String> response = server.get(pathAndQuery);
        assertThat(response.statusCode()).as("GET %s -> %s", pathAndQuery, response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        return problem;
    }

    // ------------------------------------------------------------------ scenarios, every mode, both variants

    @ParameterizedTest(name = "{1}hello")
    @MethodSource("variants")
    void hello_answersFromTheModesLoopThread(String mode, String prefix) {
        JsonNode body = ok(prefix + "hello");

        assertThat(body.get("mode").asText()).isEqualTo(mode);
        assertThat(body.get("message").asText()).isEqualTo("hello");
        assertThat(body.get("thread").asText()).startsWith(loopThreadPrefix(mode, prefix));
    }

    @ParameterizedTest(name = "{1}sleep")
    @MethodSource("variants")
    void sleep_waitsOnALoopTimer(String mode, String prefix) {
        JsonNode body = ok(prefix + "sleep?ms=30");

        assertThat(body.get("requestedMs").asInt()).isEqualTo(30);
        assertThat(body.get("elapsedMs").asLong()).isGreaterThanOrEqualTo(30L); // the bridge's timeout bounds it above
        assertThat(body.get("thread").asText()).startsWith(loopThreadPrefix(mode, prefix));
    }

    @ParameterizedTest(name = "{1}aggregate")
    @MethodSource("variants")
    void aggregate_reportsEveryIdWithPartialFailures(String mode, String prefix) {
        JsonNode body = ok(prefix + "aggregate?ids=1,2,3,4&fail=2&slow=3&timeoutMs=700&delayMs=10");

        assertThat(body.get("ok").asInt()).isEqualTo(2);
        assertThat(body.get("failed").asInt()).isEqualTo(1);
        assertThat(body.get("timedOut").asInt()).isEqualTo(1);
        Map<Integer, JsonNode> users = byId(body.get("users"));
        assertThat(users.get(1).get("user").get("name").asText()).isEqualTo("user-1");
        assertThat(users.get(2).get("status").asText()).isEqualTo("failed");
        assertThat(users.get(2).get("error").asText()).contains("HTTP 500 from http://127.0.0.1:");
        assertThat(users.get(3).get("status").asText()).isEqualTo("timeout");
        assertThat(users.get(3).get("error").asText()).contains("TimeoutException");
        assertThat(users.get(4).get("status").asText()).isEqualTo("ok");
    }

    @ParameterizedTest(name = "{1}limited")
    @MethodSource("variants")
    void limited_semaphoreCapsConcurrency(String mode, String prefix) {
        JsonNode body = ok(prefix + "limited?n=30&concurrency=5&taskMs=5");

        assertThat(body.get("n").asInt()).isEqualTo(30);
        assertThat(body.get("maxConcurrent").asInt()).isEqualTo(5);
        assertThat(body.get("elapsedMs").asLong()).as("6 waves of 5 ms at least").isGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{1}blocking")
    @MethodSource("variants")
    void blocking_runsOffTheLoopAndResumesOnIt(String mode, String prefix) {
        JsonNode body = ok(prefix + "blocking?ms=20");

        assertThat(body.get("blockedMs").asInt()).isEqualTo(20);
        assertThat(body.get("blockingThread").asText()).startsWith("loopbridge-blocking-");
        assertThat(body.get("loopThread").asText()).startsWith(loopThreadPrefix(mode, prefix));
    }

    @ParameterizedTest(name = "{1}nested")
    @MethodSource("variants")
    void nested_500WithTheGuardsMessage_neverHangs(String mode, String prefix) {
        JsonNode problem = problem(prefix + "nested", 500);

        assertThat(problem.get("type").asText()).isEqualTo("urn:loopbridge:problem:nested-loop");
        assertThat(problem.get("detail").asText()).contains("LoopBridge.run (bridge '" + mode + "') called on thread",
                "which is running event loop", "Fix: return/compose the CompletionStage");
    }

    @Test
    void overTheBridgeTimeout_504_inEveryModeAndVariant() {
        List<CompletableFuture<HttpResponse<String>>> calls = variants()
                .map(args -> server.getAsync(args.get()[1] + "sleep?ms=3000")).toList();

        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
            assertThat(json(response).get("type").asText()).isEqualTo("urn:loopbridge:problem:loop-timeout");
            assertThat(json(response).get("timeoutMs").asInt()).isEqualTo(1500);
            assertThat(DemoServer.serverTiming(response).get("bridge")).as("the refused call's time").isBetween(1500.0, 2999.0);
        }
    }

    @ParameterizedTest(name = "{1}sleep")
    @MethodSource("variants")
    void serverTiming_theBridgeCallWithinTheWholeHandler(String mode, String prefix) {
        HttpResponse<String> response = server.get(prefix + "sleep?ms=30");

        Map<String, Double> timing = DemoServer.serverTiming(response);
        assertThat(timing.keySet()).containsExactly("bridge", "handler");
        assertThat(timing.get("bridge")).isGreaterThanOrEqualTo(30.0).isLessThan(1500.0);
        assertThat(timing.get("handler")).isGreaterThanOrEqualTo(timing.get("bridge"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"api/direct/sleep?ms=30", "api/shared/sleep?ms=-1", "api/pooled/sleep?nope=1"})
    void serverTiming_withoutABridgeCall_theHandlerOnly(String pathAndQuery) {
        HttpResponse<String> response = server.get(pathAndQuery);

        Map<String, Double> timing = DemoServer.serverTiming(response);
        assertThat(timing.keySet()).containsExactly("handler");
        assertThat(timing.get("handler")).isGreaterThanOrEqualTo(pathAndQuery.contains("direct") ? 30.0 : 0.0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"per-call", "pooled", "shared"})
    void burstBeyondMaxInFlight_503WithRetryAfter(String mode) {
        long rejectedBefore = server.stats(mode).get("rejections").asLong();
        int burst = 3 * MAX_IN_FLIGHT;

        List<HttpResponse<String>> responses = IntStream.range(0, burst)
                .mapToObj(i -> server.getAsync("api/" + mode + "/async/sleep?ms=1200")).toList()
                .stream().map(CompletableFuture::join).toList();

        Map<Integer, Long> byStatus = responses.stream()
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        assertThat(byStatus.keySet()).as("statuses %s", byStatus).containsExactlyInAnyOrder(200, 503);
        assertThat(byStatus.get(200)).isLessThanOrEqualTo(2L * MAX_IN_FLIGHT);
        for (HttpResponse<String> rejected : responses.stream().filter(r -> r.statusCode() == 503).toList()) {
            assertThat(rejected.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(json(rejected).get("maxInFlight").asInt()).isEqualTo(MAX_IN_FLIGHT);
        }
        assertThat(server.stats(mode).get("rejections").asLong() - rejectedBefore).isEqualTo(byStatus.get(503));
    }

    // ------------------------------------------------------------------ streaming

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"per-call", "pooled", "shared"})
    void stream_serverSentEventsProducedOnTheLoop(String mode) {
        HttpResponse<String> response = server.get("api/" + mode + "/stream?n=5&intervalMs=10");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events).hasSize(6);
        for (int i = 0; i < 5; i++) {
            assertThat(events.get(i)).contains("id:" + i, "event:tick", "\"i\":" + i, "\"thread\":\"loopbridge-" + mode);
        }
        assertThat(events.get(5)).contains("event:done", "\"n\":5");
    }

    /**
     * The longest streams the bound lets through ({@code n * (intervalMs + 1)} at most 1125 ms, 3/4 of the
     * 1500 ms bridge timeout), in every mode at once, end with their "done" event. BadInputFuzzIT found that the
     * former bound ({@code n * intervalMs} below the timeout) let through streams such as
     * {@code n=1&intervalMs=1499} that timed out after answering 200, their connection cut short.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"n=1&intervalMs=1124", "n=562&intervalMs=1", "n=1000&intervalMs=0"})
    void stream_longestValid_endsWithinTheBridgeTimeout_inEveryMode(String params) {
        List<CompletableFuture<HttpResponse<String>>> streams = MODES.stream()
                .map(mode -> server.getAsync("api/" + mode + "/stream?" + params)).toList();

        for (CompletableFuture<HttpResponse<String>> stream : streams) {
            HttpResponse<String> response = stream.join();
            assertThat(response.statusCode()).as("%s: %s", response.uri(), response.body()).isEqualTo(200);
            int n = Integer.parseInt(params.substring(2, params.indexOf('&')));
            List<String> events = List.of(response.body().split("\n\n"));
            assertThat(events).as("events of %s", response.uri()).hasSize(n + 1);
            assertThat(events.get(n)).contains("event:done");
        }
    }

    /**
     * A stream is not held up by blocking work filling loopbridge's executor for blocking work (its
     * {@code cores + 4} threads): its events are written on the demo's own writers. BadInputFuzzIT found streams
     * of valid parameters cut short by their bridge timeout while {@code blocking} calls held that executor.
     */
    @Test
    void stream_whileBlockingWorkFillsTheBlockingExecutor_endsInTime() {
        int blockers = Runtime.getRuntime().availableProcessors() + 4 + 2;
        List<CompletableFuture<HttpResponse<String>>> blocking = IntStream.range(0, blockers)
                .mapToObj(i -> server.getAsync("api/" + MODES.get(i % 3) + "/async/blocking?ms=10000")).toList();
        await().atMost(Duration.ofSeconds(5)).until(() -> MODES.stream()
                .mapToLong(mode -> server.stats(mode).get("inFlight").asLong()).sum() == blockers);

        HttpResponse<String> stream = server.get("api/shared/stream?n=5&intervalMs=0");

        assertThat(blocking).as("blocking calls answered before the stream ended: it waited for the executor")
                .noneMatch(CompletableFuture::isDone);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).contains("event:done");
        assertThat(blocking).allSatisfy(call -> assertThat(call.join().statusCode()).isEqualTo(504));
    }

    @Test
    void stream_clientDisconnect_cancelsTheProducer() throws Exception {
        long successesBefore = server.stats("shared").get("successes").asLong();
        long failuresBefore = server.stats("shared").get("failures").asLong();

        HttpResponse<InputStream> response = server.http().send(server.request("api/shared/stream?n=100&intervalMs=10"),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(events.readLine()).isEqualTo("id:0");
        } // closing the body drops the connection after the first event, long before the hundredth

        await().atMost(Duration.ofSeconds(5)).until(() -> server.stats("shared").get("inFlight").asLong() == 0);
        assertThat(server.stats("shared").get("failures").asLong()).as("the stream call ended cancelled")
                .isEqualTo(failuresBefore + 1);
        assertThat(server.stats("shared").get("successes").asLong()).isEqualTo(successesBefore);
    }

    // ------------------------------------------------------------------ input validation

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "api/shared/sleep?ms=-1|ms",
        "api/pooled/sleep?ms=10001|ms",
        "api/per-call/sleep?ms=abc|ms",
        "api/shared/async/sleep?ms=99999999999|ms",
        "api/shared/aggregate?ids=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21|ids",
        "api/shared/aggregate?ids=0|ids",
        "api/shared/aggregate?ids=1,1|ids",
        "api/shared/aggregate?ids=1&timeoutMs=0|timeoutMs",
        "api/pooled/limited?concurrency=0|concurrency",
        "api/pooled/limited?n=1001|n",
        "api/per-call/blocking?ms=10001|ms",
        "api/shared/stream?n=0|n",
        "api/shared/stream?n=1000&intervalMs=10|n * (intervalMs + 1)",
        "api/shared/stream?n=1&intervalMs=1499|n * (intervalMs + 1)",
        "api/pooled/stream?n=1000&intervalMs=1|n * (intervalMs + 1)",
        "api/per-call/stream?n=563&intervalMs=1|n * (intervalMs + 1)",
        "api/bogus/hello|mode",
        "api/direct/limited|scenario",
        "downstream/users/0|id",
        "downstream/users/1?fail=maybe|fail",
        // strict (issue 15): ASCII digits only, no sign, no empty value, each parameter once, none unknown
        "api/shared/sleep?ms=%D9%A1%D9%A2|ms",
        "api/shared/sleep?ms=%EF%BC%91%EF%BC%92|ms",
        "api/shared/sleep?ms=%2B5|ms",
        "api/pooled/sleep?ms=|ms",
        "api/per-call/sleep?ms=5&ms=6|ms",
        "api/shared/stream?n=5&n=5|n",
        "api/shared/aggregate?ids=1,%202|ids",
        "api/shared/aggregate?ids=|ids",
        "api/shared/sleep?mss=5|mss",
        "api/shared/hello?x=1|x",
        "api/direct/hello?x=1|x",
        "api/direct/sleep?ms=%EF%BC%91|ms",
        "downstream/users/%D9%A1|id",
        "downstream/users/1?delay=5|delay",
    })
    void badParameter_400NamingItAndItsBounds(String caseText) {
        String[] parts = caseText.split("\\|");
        JsonNode problem = problem(parts[0], 400);

        assertThat(problem.get("type").asText()).isEqualTo("urn:loopbridge:demo:bad-parameter");
        assertThat(problem.get("param").asText()).isEqualTo(parts[1]);
        assertThat(problem.get("bounds").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).startsWith(parts[1] + ": ");
    }

    @Test
    void unknownParameter_400NamingTheAcceptedOnes() {
        JsonNode problem = problem("api/shared/aggregate?idz=1", 400);

        assertThat(problem.get("bounds").asText()).isEqualTo("one of the parameters of aggregate: [ids, timeoutMs,"
                + " delayMs, fail, slow]");
        assertThat(problem("api/shared/hello?x=1", 400).get("bounds").asText()).isEqualTo("no parameter: hello takes none");
    }

    @Test
    void aLongValue_isEchoedAsABoundedPrefix() {
        JsonNode problem = problem("api/shared/sleep?ms=" + "7".repeat(5000), 400);

        assertThat(problem.get("value").asText()).hasSize(BadParameterException.MAX_ECHO + " (5000 characters)".length() + 3)
                .endsWith("... (5000 characters)");
        assertThat(problem.get("detail").asText()).hasSizeLessThan(300);
    }

    @Test
    void scenarios_listEveryEndpointsParametersFromWhereTheServerChecksThem() {
        JsonNode catalog = ok("api/scenarios");

        assertThat(catalog.fieldNames()).toIterable().containsExactly("hello", "sleep", "aggregate", "limited",
                "blocking", "nested", "cpu", "stream", "users");
        JsonNode rounds = catalog.get("cpu").get(0);
        assertThat(rounds.get("name").asText()).isEqualTo("rounds");
        assertThat(rounds.get("max").asInt()).isEqualTo(CpuWork.MAX_ROUNDS);
        JsonNode ms = catalog.get("sleep").get(0);
        problem("api/shared/sleep?ms=" + (ms.get("max").asInt() + 1), 400);
        ok("api/shared/sleep?ms=" + ms.get("min").asInt());
    }

    /** Refused by Jetty before the web app sees them, so not problem details: the README lists them. */
    @Test
    void jettysOwnRefusals_emptyPathSegment400_uriOver8KiB414() {
        HttpResponse<String> empty = server.get("api/shared//hello");
        HttpResponse<String> tooLong = server.get("api/shared/sleep?ms=" + "1".repeat(9000));

        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("Ambiguous URI empty segment");
        assertThat(tooLong.statusCode()).isEqualTo(414);
        assertThat(List.of(empty, tooLong)).allSatisfy(response -> assertThat(response.headers()
                .firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).doesNotContain("json")));
    }

    @Test
    void unknownScenario_404ListingTheScenarios() {
        assertThat(problem("api/shared/nope", 404).get("detail").asText())
                .contains("no scenario 'nope'", "hello", "aggregate", "stream");
    }

    // ------------------------------------------------------------------ direct baseline, downstream, stats, page

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hello", "sleep?ms=20", "aggregate?ids=1,2&fail=2&delayMs=5"})
    void direct_sameWorkOnTheRequestThread(String scenario) {
        JsonNode body = ok("api/direct/" + scenario);

        assertThat(body.get("mode").asText()).isEqualTo("direct");
        if (body.has("thread")) {
            assertThat(body.get("thread").asText()).startsWith("it-jetty-");
        }
        if (body.has("users")) {
            assertThat(body.get("ok").asInt()).isEqualTo(1);
            assertThat(body.get("failed").asInt()).isEqualTo(1);
        }
    }

    @Test
    void downstream_answersTheUserAfterTheDelay() {
        HttpResponse<String> response = server.get("downstream/users/7?delayMs=20");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("name").asText()).isEqualTo("user-7");
        assertThat(server.get("downstream/users/7?fail=true").statusCode()).isEqualTo(500);
    }

    @Test
    void downstream_waitsWithoutHoldingAJettyThread() {
        int requests = 3 * DemoServer.JETTY_THREADS;
        server.resetRequestCounts();

        List<HttpResponse<String>> responses = IntStream.range(0, requests)
                .mapToObj(i -> server.getAsync("downstream/users/" + (i + 1) + "?delayMs=2000")).toList()
                .stream().map(CompletableFuture::join).toList();

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(server.maxRequestsInProgress())
                .as("requests waiting at once, of %d two-second waits: at most %d if each held one of the Jetty threads",
                        requests, DemoServer.JETTY_THREADS)
                .isGreaterThan(DemoServer.JETTY_THREADS);
    }

    @Test
    void stats_everyBridgeWithItsCounters() {
        ok("api/pooled/hello");

        JsonNode bridges = ok("api/stats").get("bridges");

        assertThat(bridges).extracting(b -> b.get("name").asText()).containsExactly("per-call", "pooled", "shared");
        assertThat(bridges).extracting(b -> b.get("mode").asText())
                .containsExactly("PER_CALL", "PER_CALL_POOLED", "SHARED");
        assertThat(server.stats("pooled").get("calls").asLong()).isPositive();
        assertThat(server.stats("pooled").get("maxInFlight").asInt()).isEqualTo(MAX_IN_FLIGHT);
        assertThat(server.stats("pooled").get("timeoutMs").asInt()).isEqualTo(1500);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"|text/html|<title>loopbridge demo", "app.js|text/javascript|async function slice(",
        "app.css|text/css|font-family", "favicon.svg|image/svg+xml|<svg"})
    void page_servedFromTheWar(String caseText) {
        String[] parts = caseText.split("\\|");
        HttpResponse<String> response = server.get(parts[0]);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(parts[1]));
        assertThat(response.body()).contains(parts[2]);
    }

    @Test
    void favicon_servedSoBrowsersGetNo404() {
        HttpResponse<byte[]> ico = server.getBytes("favicon.ico");

        assertThat(ico.statusCode()).isEqualTo(200);
        assertThat(ico.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("image/"));
        assertThat(ico.body()).startsWith(0, 0, 1, 0); // an ICO header: reserved 0, type 1 (icon)
    }

    private static Map<Integer, JsonNode> byId(JsonNode users) {
        List<JsonNode> list = new ArrayList<>();
        users.forEach(list::add);
        return list.stream().collect(Collectors.toMap(u -> u.get("id").asInt(), Function.identity()));
    }
}
