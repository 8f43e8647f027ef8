package io.loopbridge.demo;

import io.loopbridge.LoopBridge;
import io.loopbridge.demo.Results.Hello;
import io.loopbridge.spring.LoopBridges;
import java.util.concurrent.CompletableFuture;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/overhead/{direct|per-call|pooled|shared}/hello} and {@code /api/overhead/{mode}/async/hello}:
 * the trivial body through the very same handler, with and without the bridge, so that the only
 * difference between {@code direct} and a mode is the bridge call. The mode comparison measures the
 * bridge's overhead over HTTP with them ({@code /api/{mode}/hello} also binds and checks the query
 * parameters and builds the downstream URI, which {@code /api/direct/hello} does not). Like every
 * demo endpoint they refuse any query parameter with a 400 (the check runs before the mode split, so
 * every mode pays it alike).
 *
 * <p>Threads: a request thread; the bridged body runs on the bridge's loop.
 */
@RestController
@RequestMapping("/api/overhead/{mode}")
final class OverheadController {
    private static final String DIRECT = "direct";
    private final LoopBridges bridges;

    OverheadController(LoopBridges bridges) {
        this.bridges = bridges;
    }

    @GetMapping("/hello")
    Object hello(@PathVariable String mode, @RequestParam MultiValueMap<String, String> params) {
        Params.of(ScenarioCatalog.HELLO, params); // takes none: refuses any
        if (mode.equals(DIRECT)) {
            return new Hello(mode, "hello", Scenarios.thread());
        }
        LoopBridge bridge = bridges.get(DemoMode.of(mode).path);
        return bridge.run(loop -> CompletableFuture.completedFuture(new Hello(mode, "hello", Scenarios.thread())));
    }

    @GetMapping("/async/hello")
    CompletableFuture<Object> helloAsync(@PathVariable String mode,
            @RequestParam MultiValueMap<String, String> params) {
        Params.of(ScenarioCatalog.HELLO, params); // takes none: refuses any
        if (mode.equals(DIRECT)) {
            return CompletableFuture.completedFuture(new Hello(mode, "hello", Scenarios.thread()));
        }
        LoopBridge bridge = bridges.get(DemoMode.of(mode).path);
        return bridge.submit(loop -> CompletableFuture.completedFuture(new Hello(mode, "hello", Scenarios.thread())));
    }
}
