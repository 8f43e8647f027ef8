package io.loopbridge.demo;

import io.loopbridge.LoopBridge;
import io.loopbridge.demo.Results.Hello;
import io.loopbridge.spring.LoopBridges;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/overhead/{direct|executor|per-call|pooled|shared}/hello} and
 * {@code /api/overhead/{mode}/async/hello}: the trivial body through the very same handler, with and
 * without the bridge, so that the only difference between {@code direct} and a mode is the bridge call.
 * The mode comparison measures the bridge's overhead over HTTP with them ({@code /api/{mode}/hello} also
 * binds and checks the query parameters and builds the downstream URI, which {@code /api/direct/hello}
 * does not). {@code executor} is the yardstick of a hand-off: the body on a raw single-thread executor,
 * joined ({@code /hello}) or returned as a plain {@code CompletableFuture} for Spring's asynchronous return
 * ({@code /async/hello}). Like every demo endpoint they refuse any query parameter with a 400 (the check
 * runs before the mode split, so every mode pays it alike).
 *
 * <p>Threads: a request thread; the bridged body runs on the bridge's loop, the executor's on
 * {@code demo-executor}, which stops with the web app.
 */
@RestController
@RequestMapping("/api/overhead/{mode}")
final class OverheadController implements DisposableBean {
    private static final String DIRECT = "direct";
    private static final String EXECUTOR = "executor";
    private final LoopBridges bridges;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(body -> new Thread(body, "demo-executor"));

    OverheadController(LoopBridges bridges) {
        this.bridges = bridges;
    }

    @GetMapping("/hello")
    Object hello(@PathVariable String mode, @RequestParam MultiValueMap<String, String> params) {
        Params.of(ScenarioCatalog.HELLO, params); // takes none: refuses any
        return switch (mode) {
            case DIRECT -> body(mode);
            case EXECUTOR -> CompletableFuture.supplyAsync(() -> body(mode), executor).join();
            default -> bridge(mode).run(loop -> CompletableFuture.completedFuture(body(mode)));
        };
    }

    @GetMapping("/async/hello")
    CompletableFuture<Object> helloAsync(@PathVariable String mode,
            @RequestParam MultiValueMap<String, String> params) {
        Params.of(ScenarioCatalog.HELLO, params); // takes none: refuses any
        return switch (mode) {
            case DIRECT -> CompletableFuture.completedFuture(body(mode));
            case EXECUTOR -> CompletableFuture.supplyAsync(() -> body(mode), executor);
            default -> bridge(mode).submit(loop -> CompletableFuture.completedFuture(body(mode)));
        };
    }

    /** The bridge of {@code mode}; a 400 naming the valid modes for any other. */
    private LoopBridge bridge(String mode) {
        return bridges.get(DemoMode.of(mode).path);
    }

    private static Object body(String mode) {
        return new Hello(mode, "hello", Scenarios.thread());
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
