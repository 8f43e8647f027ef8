package io.loopbridge.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.loopbridge.LoopBridge;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Contract, Spring Boot: with {@code server.shutdown=graceful}, closing the application first stops
 * the web server taking requests while a call in flight keeps its bridge, then lets that call finish
 * (200), and only then closes the bridges.
 */
class GracefulShutdownTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aCallInFlightFinishesBeforeTheBridgesClose() {
        BootTestApp.held = new CompletableFuture<>();
        BootTestApp.holding = new CompletableFuture<>();
        ConfigurableApplicationContext app = new SpringApplicationBuilder(BootTestApp.class).properties("server.port=0",
                "server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=20s",
                "loopbridge.bridges.api.mode=SHARED", "loopbridge.bridges.api.timeout=30s",
                "loopbridge.bridges.reports.mode=PER_CALL", "loopbridge.bridges.single.mode=SHARED",
                "loopbridge.bridges.fragile.mode=SHARED").run();
        BootHttp http = new BootHttp(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
        LoopBridge api = app.getBean("api", LoopBridge.class);
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> http.get("/hold?tag=kept"));
        assertThat(BootTestApp.holding).succeedsWithin(WAIT);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
        await().atMost(WAIT).untilAsserted(() -> assertThat(catchThrowable(() -> http.get("/hello")))
                .as("the server stopped taking requests").isNotNull());
        assertThat(api.isClosed()).as("the bridge stays open while the server drains").isFalse();
        assertThat(inFlight).isNotDone();

        BootTestApp.held.complete("finished");

        assertThat(inFlight).succeedsWithin(WAIT).satisfies(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("finished kept");
        });
        assertThat(closing).succeedsWithin(WAIT);
        assertThat(api.isClosed()).isTrue();
    }
}
