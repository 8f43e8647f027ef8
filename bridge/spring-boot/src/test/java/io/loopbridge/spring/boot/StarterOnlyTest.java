package io.loopbridge.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.loopbridge.LoopBridge;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Contract, Spring Boot: an application that adds the starter and nothing else (no property, no
 * configurer, no annotation) gets a working default bridge, its meters and its health, over HTTP.
 */
@SpringBootTest(classes = StarterOnlyTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoints.web.exposure.include=health,metrics",
                "management.endpoint.health.show-details=always"})
class StarterOnlyTest {
    @Value("${local.server.port}")
    int port;

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Hello.class)
    static class App {}

    @RestController
    static class Hello {
        private final LoopBridge bridge;

        Hello(LoopBridge bridge) {
            this.bridge = bridge;
        }

        @GetMapping("/hello")
        String hello() {
            return bridge.run(loop -> loop.sleep(Duration.ofMillis(1)).thenApply(v -> "hello from " + bridge.name()
                    + " (" + bridge.mode() + ")"));
        }
    }

    @Test
    void theDefaultBridgeAnswers_andIsMeasuredAndHealthy() {
        BootHttp http = new BootHttp(port);

        HttpResponse<String> hello = http.get("/hello");
        HttpResponse<String> health = http.get("/actuator/health");
        HttpResponse<String> calls = http.get("/actuator/metrics/loopbridge.calls?tag=bridge:default&tag=outcome:success");

        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("hello from default (SHARED)");
        assertThat((String) JsonPath.read(health.body(), "$.components.loopbridge.status")).isEqualTo("UP");
        assertThat((String) JsonPath.read(health.body(), "$.components.loopbridge.details.default.mode")).isEqualTo("SHARED");
        List<Number> count = JsonPath.read(calls.body(), "$.measurements[?(@.statistic == 'COUNT')].value");
        assertThat(count.get(0).doubleValue()).isEqualTo(1.0);
    }
}
