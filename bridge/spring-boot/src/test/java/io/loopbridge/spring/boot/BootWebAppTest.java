package io.loopbridge.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.loopbridge.LoopBridge;
import io.loopbridge.spring.LoopBridges;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Contract, Spring Boot: an application that adds the starter and properties, nothing else, serves
 * its bridges over real HTTP on Jetty: each bridge a bean by name, problem details for the bridge's
 * failures, the servlet-async return path, the MDC of a servlet filter in callbacks, the health
 * indicator (DOWN while a shared loop is dead), the endpoint and the meters in the actuator.
 */
@SpringBootTest(classes = BootTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "loopbridge.bridges.api.mode=SHARED", "loopbridge.bridges.api.timeout=2s", "loopbridge.bridges.api.max-in-flight=64",
        "loopbridge.bridges.reports.mode=PER_CALL_POOLED", "loopbridge.bridges.reports.pool-size=4",
        "loopbridge.bridges.reports.timeout=5s", "loopbridge.bridges.reports.max-in-flight=16",
        "loopbridge.bridges.single.mode=SHARED", "loopbridge.bridges.single.timeout=2s",
        "loopbridge.bridges.single.max-in-flight=1",
        "loopbridge.bridges.fragile.mode=SHARED", "loopbridge.bridges.fragile.timeout=2s",
        "loopbridge.bridges.fragile.max-in-flight=8",
        "management.endpoints.web.exposure.include=health,loopbridge,metrics",
        "management.endpoint.health.show-details=always"})
class BootWebAppTest {
    @Value("${local.server.port}")
    int port;
    @Autowired
    LoopBridges bridges;
    @Autowired
    LoopBridge primary;
    BootHttp http;

    @BeforeEach
    void setUp() {
        http = new BootHttp(port);
    }

    /** A value of a JSON answer (JsonPath comes with spring-boot-starter-test on every line). */
    private static Object json(HttpResponse<String> answer, String path) {
        return JsonPath.read(answer.body(), path);
    }

    private static <T> T json(HttpResponse<String> answer, String path, Class<T> type) {
        return type.cast(JsonPath.read(answer.body(), path));
    }

    @Test
    void theFirstDeclaredBridgeIsThePrimaryBean_andEachBridgeABeanByName() {
        assertThat(primary.name()).isEqualTo("api");
        assertThat(bridges.all()).extracting(LoopBridge::name).containsExactly("api", "reports", "single", "fragile");
        assertThat(bridges.get("reports").mode()).hasToString("PER_CALL_POOLED");
        assertThat(bridges.get("api").timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aBlockingControllerRunsOnTheBridge() {
        HttpResponse<String> answer = http.get("/hello");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("hello from api");
    }

    @Test
    void aReturnedSubmitGoesThroughServletAsync() {
        HttpResponse<String> answer = http.get("/report");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("report from reports");
    }

    @Test
    void theMdcOfAServletFilterIsVisibleInCallbacks() {
        HttpResponse<String> answer = http.get("/mdc", "X-Request-Id", "req-42");

        assertThat(answer.body()).isEqualTo("requestId=req-42");
    }

    @Test
    void theBridgesTimeout_504ProblemDetail() {
        HttpResponse<String> answer = http.get("/timeout");

        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(answer.body()).contains("urn:loopbridge:problem:loop-timeout", "\"timeoutMs\":50");
    }

    @Test
    void theBodysOwnTimeout_504NamingTheStage() {
        HttpResponse<String> answer = http.get("/stage-timeout");

        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(answer.body()).contains("urn:loopbridge:problem:stage-timeout", "awaiting task 'fetch-user'");
    }

    @Test
    void beyondMaxInFlight_503WithRetryAfter() {
        HttpResponse<String> answer = http.get("/rejected");

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(answer.body()).contains("urn:loopbridge:problem:bridge-rejected");
    }

    @Test
    void theNestedGuard_500WithTheFix() {
        HttpResponse<String> answer = http.get("/nested");

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).contains("urn:loopbridge:problem:nested-loop", "loopbridge-api-loop-");
    }

    @Test
    void health_upWithEachBridgeNamed() {
        http.get("/hello");

        HttpResponse<String> health = http.get("/actuator/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health, "$.components.loopbridge.status")).isEqualTo("UP");
        assertThat(json(health, "$.components.loopbridge.details.api.mode")).isEqualTo("SHARED");
        assertThat(json(health, "$.components.loopbridge.details.reports.mode")).isEqualTo("PER_CALL_POOLED");
    }

    @Test
    void health_downWhileASharedLoopIsDead_upOnceTheNextCallReplacedIt() {
        assertThat(http.get("/kill").body()).isEqualTo("killed: LoopTerminatedException");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> health = http.get("/actuator/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(json(health, "$.components.loopbridge.status")).isEqualTo("DOWN");
            assertThat(json(health, "$.components.loopbridge.details.fragile.status")).isEqualTo("DOWN");
            assertThat(json(health, "$.components.loopbridge.details.fragile.problem")).asString()
                    .contains("the shared loop thread died");
            assertThat(json(health, "$.components.loopbridge.details.api.status")).isEqualTo("UP");
        });

        assertThat(http.get("/revive").body()).isEqualTo("alive");
        assertThat(http.get("/actuator/health").statusCode()).isEqualTo(200);
    }

    @Test
    void endpoint_listsEachBridgesModeSettingsAndStats() {
        http.get("/hello");

        HttpResponse<String> endpoint = http.get("/actuator/loopbridge");

        assertThat(endpoint.statusCode()).isEqualTo(200);
        assertThat(json(endpoint, "$.defaultBridge")).isEqualTo("api");
        assertThat(json(endpoint, "$.bridges.api.mode")).isEqualTo("SHARED");
        assertThat(json(endpoint, "$.bridges.api.timeoutMs")).isEqualTo(2000);
        assertThat(json(endpoint, "$.bridges.api.maxInFlight")).isEqualTo(64);
        assertThat(json(endpoint, "$.bridges.reports.mode")).isEqualTo("PER_CALL_POOLED");
        assertThat(((Number) json(endpoint, "$.bridges.api.stats.successes")).longValue()).isPositive();
    }

    @Test
    void meters_callsAndLatencyPerBridgeAndOutcome() {
        http.get("/hello");

        HttpResponse<String> calls = http.get("/actuator/metrics/loopbridge.calls?tag=bridge:api&tag=outcome:success");
        HttpResponse<String> latency = http.get("/actuator/metrics/loopbridge.call.latency?tag=bridge:api");

        assertThat(calls.statusCode()).isEqualTo(200);
        assertThat(((Number) json(calls, "$.measurements[?(@.statistic == 'COUNT')].value", List.class).get(0))
                .doubleValue()).isPositive();
        assertThat(latency.statusCode()).isEqualTo(200);
        assertThat(json(latency, "$.availableTags[*].tag", List.class)).contains("outcome", "mode");
        assertThat(((Number) json(latency, "$.measurements[?(@.statistic == 'TOTAL_TIME')].value", List.class).get(0))
                .doubleValue()).isPositive();
    }
}
