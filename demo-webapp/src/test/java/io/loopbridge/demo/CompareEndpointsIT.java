package io.loopbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The endpoints the mode comparison (src/bench/compare.sh) adds to the demo: the {@code cpu} scenario in
 * every mode and in {@code direct}, and {@code /api/overhead/...}, one handler with and without the bridge.
 */
class CompareEndpointsIT {
    static DemoServer server;

    @BeforeAll
    static void start() throws Exception {
        server = DemoServer.startWithDemo();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** path prefix, the mode in the body, the prefix of the thread that must have done the hashing. */
    static Stream<Arguments> cpuVariants() {
        return Stream.of(
                Arguments.of("api/direct/", "direct", "it-jetty-"),
                Arguments.of("api/per-call/", "per-call", "it-jetty-"),
                Arguments.of("api/pooled/", "pooled", "loopbridge-pooled-worker-"),
                Arguments.of("api/shared/", "shared", "loopbridge-shared-loop-"),
                Arguments.of("api/shared/async/", "shared", "loopbridge-shared-loop-"));
    }

    private static JsonNode ok(String pathAndQuery) {
        HttpResponse<String> response = server.get(pathAndQuery);
        assertThat(response.statusCode()).as("GET %s -> %s", pathAndQuery, response.body()).isEqualTo(200);
        return DemoServer.json(response);
    }

    @ParameterizedTest
    @MethodSource("cpuVariants")
    void cpuHashesOnTheLoopOrTheRequestThread(String prefix, String mode, String threadPrefix) {
        JsonNode body = ok(prefix + "cpu");
        assertThat(body.get("mode").asText()).isEqualTo(mode);
        assertThat(body.get("rounds").asInt()).isEqualTo(CpuWork.DEFAULT_ROUNDS);
        assertThat(body.get("digest").asText()).hasSize(16);
        assertThat(body.get("elapsedMicros").asLong()).isNotNegative();
        assertThat(body.get("thread").asText()).startsWith(threadPrefix);

        JsonNode one = ok(prefix + "cpu?rounds=1");
        assertThat(one.get("rounds").asInt()).isEqualTo(1);
        assertThat(one.get("digest").asText()).as("the digest depends on the rounds").isNotEqualTo(body.get("digest").asText());
        assertThat(ok(prefix + "cpu?rounds=1").get("digest").asText()).as("deterministic").isEqualTo(one.get("digest").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"api/direct/cpu?rounds=0", "api/shared/cpu?rounds=10001", "api/per-call/cpu?rounds=x"})
    void cpuRejectsRoundsOutOfBounds(String pathAndQuery) {
        HttpResponse<String> response = server.get(pathAndQuery);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("rounds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "executor", "per-call", "pooled", "shared"})
    void overheadHelloRunsTheSameHandlerWithAndWithoutTheBridge(String mode) {
        JsonNode blocking = ok("api/overhead/" + mode + "/hello");
        JsonNode async = ok("api/overhead/" + mode + "/async/hello");
        assertThat(blocking.get("mode").asText()).isEqualTo(mode);
        assertThat(async.get("mode").asText()).isEqualTo(mode);
        assertThat(blocking.get("message").asText()).isEqualTo("hello");
        String expected = switch (mode) {
            case "direct", "per-call" -> "it-jetty-";
            case "executor" -> "demo-executor";
            case "pooled" -> "loopbridge-pooled-worker-";
            default -> "loopbridge-shared-loop-";
        };
        assertThat(blocking.get("thread").asText()).startsWith(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"api/overhead/direct/hello?x=1", "api/overhead/shared/hello?x=1",
            "api/overhead/per-call/async/hello?ms=5"})
    void overheadRefusesAnyParameterNamingThatItTakesNone(String pathAndQuery) {
        HttpResponse<String> response = server.get(pathAndQuery);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("hello");
    }

    @Test
    void overheadRejectsAnUnknownMode() {
        HttpResponse<String> response = server.get("api/overhead/nope/hello");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("mode", "nope");
    }
}
