package io.loopbridge.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example over real HTTP on Jetty, against a real redis-server: every client in every mode, the
 * bridge's timeout cancelling WebClient's subscription, the body's own timeout on a Redis pipeline
 * (504 naming the stage), a full bridge (503), the guard on a Reactor thread (500), the MDC of a
 * servlet filter in callbacks, health and meters in the actuator.
 */
@SpringBootTest(classes = ExampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static RedisServer redis;

    @Value("${local.server.port}")
    int port;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @DynamicPropertySource
    static void redisUri(DynamicPropertyRegistry properties) {
        properties.add("example.redis.uri", () -> redis.uri());
    }

    private HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private <T> T json(String path, String jsonPath) throws IOException, InterruptedException {
        return JsonPath.read(get(path).body(), jsonPath);
    }

    private double cancelledWebClientCalls() throws IOException, InterruptedException {
        Number value = json("/actuator/metrics/example.webclient.cancelled", "$.measurements[0].value");
        return value.doubleValue();
    }

    // ------------------------------------------------------------------ every client, every mode

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-call", "pooled"})
    void webClient(String bridge) throws Exception {
        HttpResponse<String> answer = get("/" + bridge + "/webclient?ms=10");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("webclient: slow 10 ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-call", "pooled"})
    void jdkHttpClient(String bridge) throws Exception {
        HttpResponse<String> answer = get("/" + bridge + "/httpclient?ms=10");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("httpclient: slow 10 ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-call", "pooled"})
    void redisSetThenGet(String bridge) throws Exception {
        HttpResponse<String> answer = get("/" + bridge + "/redis/set-get?key=greeting-" + bridge + "&value=hello");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("greeting-" + bridge + "=hello");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-call", "pooled"})
    void redisFanOutOf50GetsGathered(String bridge) throws Exception {
        HttpResponse<String> answer = get("/" + bridge + "/redis/fan-out?n=50");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("50 GETs, sum 1225");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-call", "pooled"})
    void redisPipelineInOneFlush(String bridge) throws Exception {
        HttpResponse<String> answer = get("/" + bridge + "/redis/pipeline?n=100");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("100 INCRs in one flush, counter 100");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-call", "pooled"})
    void theMdcOfAServletFilterInCallbacks(String bridge) throws Exception {
        HttpResponse<String> answer = get("/" + bridge + "/mdc", "X-Request-Id", "req-" + bridge);

        assertThat(answer.body()).isEqualTo("requestId=req-" + bridge);
    }

    // ------------------------------------------------------------------ failures, as problem details

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-call", "pooled"})
    void theBridgesTimeout_504_andWebClientsSubscriptionIsCancelled(String bridge) throws Exception {
        double cancelledBefore = cancelledWebClientCalls();

        HttpResponse<String> answer = get("/" + bridge + "/webclient?ms=5000&budgetMs=200");

        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(answer.body()).contains("urn:loopbridge:problem:loop-timeout", "timed out after PT0.2S");
        await().atMost(Duration.ofSeconds(10)).until(() -> cancelledWebClientCalls() > cancelledBefore);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-call", "pooled"})
    void theBodysOwnTimeoutOnAPipeline_504NamingTheStage(String bridge) throws Exception {
        HttpResponse<String> answer = get("/" + bridge + "/redis/pipeline?n=10&blockSeconds=3&stageTimeoutMs=200");

        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(answer.body()).contains("urn:loopbridge:problem:stage-timeout", "timed out after PT0.2S");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-call", "pooled"})
    void bridgeRunOnAReactorThread_500FromTheGuard(String bridge) throws Exception {
        HttpResponse<String> answer = get("/" + bridge + "/nested");

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).contains("urn:loopbridge:problem:nested-loop", "Reactor");
    }

    @Test
    void aFullBridge_503WithRetryAfter_theCallInFlightStillAnswers() throws Exception {
        CompletableFuture<HttpResponse<String>> holder = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/tiny/webclient?ms=1500");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) json("/actuator/loopbridge",
                "$.bridges.tiny.stats.inFlight")).intValue() == 1);

        HttpResponse<String> refused = get("/tiny/httpclient?ms=1");

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).contains("urn:loopbridge:problem:bridge-rejected");
        assertThat(holder).succeedsWithin(Duration.ofSeconds(10)).extracting(HttpResponse::statusCode).isEqualTo(200);
    }

    @Test
    void anUnknownBridge_404() throws Exception {
        HttpResponse<String> answer = get("/nope/webclient");

        assertThat(answer.statusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ the actuator

    @Test
    void healthAndMeters() throws Exception {
        get("/shared/webclient?ms=1");
        get("/pooled/httpclient?ms=1");

        assertThat((String) json("/actuator/health", "$.components.loopbridge.status")).isEqualTo("UP");
        assertThat((String) json("/actuator/health", "$.components.loopbridge.details.per-call.mode")).isEqualTo("PER_CALL");
        List<Number> calls = json("/actuator/metrics/loopbridge.calls?tag=bridge:shared&tag=outcome:success",
                "$.measurements[?(@.statistic == 'COUNT')].value");
        assertThat(calls.get(0).doubleValue()).isPositive();
        List<Number> latency = json("/actuator/metrics/loopbridge.call.latency?tag=bridge:pooled&tag=outcome:success",
                "$.measurements[?(@.statistic == 'COUNT')].value");
        assertThat(latency.get(0).doubleValue()).isPositive();
    }
}
