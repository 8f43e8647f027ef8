package io.loopbridge.spring;

import io.loopbridge.BridgeMode;
import io.loopbridge.EventLoop;
import io.loopbridge.LoopBridge;
import io.loopbridge.LoopFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** A small Spring MVC application using loopbridge the way users do, for the MockMvc tests. */
@Configuration
@EnableWebMvc
@EnableLoopBridge
class TestWebApp implements LoopBridgeConfigurer {
    static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);
    static final Duration ONE_HOUR = Duration.ofHours(1);

    @Override
    public void configureBridges(LoopBridgeRegistry bridges) {
        bridges.bridge("short").mode(BridgeMode.SHARED).timeout(SHORT_TIMEOUT).maxInFlight(8);
        bridges.bridge("single").mode(BridgeMode.SHARED).timeout(SHORT_TIMEOUT).maxInFlight(1);
        bridges.bridge("patient").mode(BridgeMode.SHARED).timeout(Duration.ofMinutes(1)).maxInFlight(16);
    }

    @Bean
    Probes probes() {
        return new Probes();
    }

    /** What the tests observe: cancellations of watched stages on the loop, the last call's future. */
    static final class Probes {
        volatile CountDownLatch watching = new CountDownLatch(1);
        volatile CountDownLatch cancelled = new CountDownLatch(1);
        volatile CompletableFuture<?> lastCall;

        void reset() {
            watching = new CountDownLatch(1);
            cancelled = new CountDownLatch(1);
            lastCall = null;
        }

        /** Waits until a body on the loop called {@link #watch}. */
        void awaitWatching() throws InterruptedException {
            if (!watching.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("no body on the loop started watching a stage within 5 s");
            }
        }

        <T> CompletableFuture<T> call(CompletableFuture<T> call) {
            lastCall = call;
            return call;
        }

        <T> LoopFuture<T> watch(LoopFuture<T> stage) {
            CountDownLatch latch = cancelled;
            stage.whenComplete((v, e) -> {
                if (e instanceof CancellationException) {
                    latch.countDown();
                }
            });
            watching.countDown();
            return stage;
        }
    }

    /** Registered as a member component of this configuration. */
    @RestController
    static final class TestController {
        private final LoopBridge single;
        private final LoopBridge shortBridge;
        private final LoopBridge patient;
        private final Probes probes;

        TestController(LoopBridges bridges, Probes probes) {
            this.single = bridges.get("single");
            this.shortBridge = bridges.get("short");
            this.patient = bridges.get("patient");
            this.probes = probes;
        }

        @GetMapping("/sync/ok")
        String ok() {
            return shortBridge.run(loop -> loop.sleep(Duration.ofMillis(1)).thenApply(v -> "ok"));
        }

        @GetMapping("/sync/timeout")
        String timeout() {
            return shortBridge.run(loop -> loop.sleep(ONE_HOUR).thenApply(v -> "never"));
        }

        @GetMapping("/sync/rejected")
        String rejected() {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            CompletableFuture<Void> holder = single.submit(loop -> loop.await(gate)); // takes the only slot
            try {
                return single.run(loop -> CompletableFuture.completedFuture("never"));
            } finally {
                gate.complete(null);
                holder.join();
            }
        }

        @GetMapping("/sync/nested")
        String nested() {
            return shortBridge.run(loop -> CompletableFuture.completedFuture(
                    shortBridge.run(inner -> CompletableFuture.completedFuture("never"))));
        }

        /** The body's own deadline on a downstream expires: a 504 naming the stage, not a 500. */
        @GetMapping("/sync/stage-timeout")
        String stageTimeout() {
            return patient.run(loop -> loop.timeout(loop.createTask("fetch-user", l -> l.createFuture()),
                    Duration.ofMillis(20)).thenApply(v -> "never"));
        }

        /** A bridge closed while its call runs (an application shutting down): 503, retry elsewhere. */
        @GetMapping("/sync/closed")
        String closed() {
            try (LoopBridge closing = LoopBridge.builder().name("closing").mode(BridgeMode.SHARED).build()) {
                return closing.run(loop -> {
                    loop.callSoon(closing::close);
                    return loop.createFuture();
                });
            }
        }

        @GetMapping("/sync/checked")
        String checked() {
            return shortBridge.run(loop -> {
                throw new IOException("disk gone");
            });
        }

        @GetMapping("/async/ok")
        CompletableFuture<String> asyncOk() {
            return patient.submit(loop -> loop.sleep(Duration.ofMillis(1))
                    .thenApply(v -> "ok from " + Thread.currentThread().getName()));
        }

        @GetMapping("/async/timeout")
        CompletableFuture<String> asyncTimeout() {
            return shortBridge.submit(loop -> loop.sleep(ONE_HOUR).thenApply(v -> "never"));
        }

        @GetMapping("/async/hang")
        CompletableFuture<Void> asyncHang() {
            return probes.call(patient.submit(loop -> probes.watch(loop.sleep(ONE_HOUR))));
        }

        @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        SseEmitter stream(@RequestParam int n) {
            SseEmitter emitter = new SseEmitter(Duration.ofMinutes(1).toMillis());
            LoopStreams.pipe(patient, emitter, 2, (loop, queue) -> items(loop, queue, 0, n));
            return emitter;
        }

        @GetMapping(path = "/stream/hang", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        SseEmitter streamHang() {
            SseEmitter emitter = new SseEmitter(Duration.ofMinutes(1).toMillis());
            LoopStreams.pipe(patient, emitter, 2, (loop, queue) -> queue.put("first")
                    .thenCompose(v -> probes.watch(loop.sleep(ONE_HOUR))));
            return emitter;
        }

        @GetMapping(path = "/stream/timeout", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        SseEmitter streamTimeout() {
            SseEmitter emitter = new SseEmitter(Duration.ofMinutes(1).toMillis());
            LoopStreams.pipe(shortBridge, emitter, 2, (loop, queue) -> loop.sleep(ONE_HOUR));
            return emitter;
        }

        /** One JSON item, then over the bridge's timeout: a JSON converter could write a problem after it. */
        @GetMapping(path = "/stream/json/timeout", produces = MediaType.APPLICATION_JSON_VALUE)
        ResponseBodyEmitter jsonStreamTimeout() {
            ResponseBodyEmitter emitter = new ResponseBodyEmitter(Duration.ofMinutes(1).toMillis());
            LoopStreams.pipe(shortBridge, emitter, 2, (loop, queue) -> queue.put(Map.of("item", 0))
                    .thenCompose(v -> loop.sleep(ONE_HOUR)));
            return emitter;
        }
    }

    /** Puts "item-i" for i in [i, n), one after the other. Loop thread. */
    static CompletionStage<Void> items(EventLoop loop, io.loopbridge.AsyncQueue<Object> queue, int i, int n) {
        if (i == n) {
            return CompletableFuture.completedFuture(null);
        }
        return queue.put("item-" + i).thenCompose(v -> items(loop, queue, i + 1, n));
    }
}
