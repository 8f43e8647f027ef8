package io.loopbridge.spring.boot;

import io.loopbridge.EventLoop;
import io.loopbridge.LoopBridge;
import io.loopbridge.LoopManager;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A Boot application that adds loopbridge and nothing else (no annotation, no {@code @EnableWebMvc}):
 * its controllers inject bridges by name. The bridges are declared in the tests' properties.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class BootTestApp {
    /** Completed by a test to let a held call ({@code /hold}) finish. */
    static volatile CompletableFuture<String> held = new CompletableFuture<>();
    static volatile CompletableFuture<Void> holding = new CompletableFuture<>();

    /** A servlet filter that puts a request id into the MDC, as tracing filters do. */
    @Bean
    OncePerRequestFilter requestIdFilter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                MDC.put("requestId", String.valueOf(request.getHeader("X-Request-Id")));
                try {
                    chain.doFilter(request, response);
                } finally {
                    MDC.remove("requestId");
                }
            }
        };
    }

    @RestController
    static class Controller {
        private final LoopBridge api;
        private final LoopBridge reports;
        private final LoopBridge single;
        private final LoopBridge fragile;

        Controller(LoopBridge api, @Qualifier("reports") LoopBridge reports, @Qualifier("single") LoopBridge single,
                @Qualifier("fragile") LoopBridge fragile) {
            this.api = api;
            this.reports = reports;
            this.single = single;
            this.fragile = fragile;
        }

        @GetMapping("/hello")
        String hello() {
            return api.run(loop -> loop.sleep(Duration.ofMillis(1)).thenApply(v -> "hello from " + api.name()));
        }

        @GetMapping("/report")
        CompletionStage<String> report() {
            return reports.submit(loop -> loop.sleep(Duration.ofMillis(1)).thenApply(v -> "report from " + reports.name()));
        }

        @GetMapping("/mdc")
        String mdc() {
            return reports.run(loop -> loop.sleep(Duration.ofMillis(1)).thenApply(v -> "requestId=" + MDC.get("requestId")));
        }

        @GetMapping("/timeout")
        String timeout() {
            return api.run(loop -> loop.sleep(Duration.ofHours(1)).thenApply(v -> "never"), Duration.ofMillis(50));
        }

        @GetMapping("/stage-timeout")
        String stageTimeout() {
            return api.run(loop -> loop.timeout(loop.createTask("fetch-user", EventLoop::createFuture),
                    Duration.ofMillis(20)).thenApply(v -> "never"));
        }

        @GetMapping("/nested")
        String nested() {
            return api.run(loop -> CompletableFuture.completedFuture(api.run(inner -> CompletableFuture.completedFuture("no"))));
        }

        @GetMapping("/rejected")
        String rejected() {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            CompletableFuture<Void> holder = single.submit(loop -> loop.await(gate));
            try {
                return single.run(loop -> CompletableFuture.completedFuture("never"));
            } finally {
                gate.complete(null);
                holder.join();
            }
        }

        /** Stops the fragile bridge's shared loop from code on it: its loop thread is dead until the next call. */
        @GetMapping("/kill")
        String kill() {
            try {
                return fragile.run(loop -> {
                    LoopManager.running().stop();
                    return loop.createFuture();
                });
            } catch (RuntimeException expected) {
                return "killed: " + expected.getClass().getSimpleName();
            }
        }

        @GetMapping("/revive")
        String revive() {
            return fragile.run(loop -> CompletableFuture.completedFuture("alive"));
        }

        /** Holds a call on the api bridge until a test completes {@link #held}. */
        @GetMapping("/hold")
        String hold(@RequestParam(defaultValue = "x") String tag) {
            return api.run(loop -> {
                holding.complete(null);
                return loop.await(held);
            }) + " " + tag;
        }
    }
}
