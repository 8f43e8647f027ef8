package io.loopbridge.demo;

import io.loopbridge.AsyncCallable;
import io.loopbridge.AsyncQueue;
import io.loopbridge.EventLoop;
import io.loopbridge.LoopBridge;
import io.loopbridge.demo.Results.Tick;
import io.loopbridge.spring.LoopBridges;
import io.loopbridge.spring.LoopStreams;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.util.MultiValueMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code /api/{mode}/{scenario}} (blocking: {@code bridge.run}, the servlet thread waits),
 * {@code /api/{mode}/async/{scenario}} (servlet async: returns {@code bridge.submit(...)}, the servlet
 * thread is released) and {@code /api/{mode}/stream} (server-sent events produced on the loop), for
 * {@code mode} in per-call, pooled, shared. Errors: 400 bad parameter or mode, 404 unknown scenario,
 * 500 nested, 503 over maxInFlight, 504 over the bridge's timeout (the last three mapped by
 * loopbridge's {@code LoopBridgeExceptionHandler}).
 *
 * <p>Threads: the handlers run on Jetty's request threads; the scenario bodies on the bridges' loops; the
 * streams' events are written on {@link StreamWriters}.
 */
@RestController
@RequestMapping("/api/{mode}")
final class ScenarioController {
    private final LoopBridges bridges;
    private final Scenarios scenarios;
    private final StreamWriters streamWriters;

    ScenarioController(LoopBridges bridges, Scenarios scenarios, StreamWriters streamWriters) {
        this.bridges = bridges;
        this.scenarios = scenarios;
        this.streamWriters = streamWriters;
    }

    @GetMapping("/{scenario}")
    Object run(@PathVariable String mode, @PathVariable String scenario,
            @RequestParam MultiValueMap<String, String> params, HttpServletRequest request) {
        Scenarios.Call call = call(mode, scenarios.known(scenario), params, request);
        AsyncCallable<Object> body = scenarios.prepare(scenario, call); // a bad parameter answers 400 before any bridge call
        return ServerTiming.bridge(request, () -> call.bridge().run(body));
    }

    @GetMapping("/async/{scenario}")
    CompletableFuture<Object> submit(@PathVariable String mode, @PathVariable String scenario,
            @RequestParam MultiValueMap<String, String> params, HttpServletRequest request) {
        Scenarios.Call call = call(mode, scenarios.known(scenario), params, request);
        AsyncCallable<Object> body = scenarios.prepare(scenario, call);
        return ServerTiming.bridgeAsync(request, () -> call.bridge().submit(body));
    }

    /**
     * {@code n} "tick" events {@code intervalMs} apart (bounds in {@link ScenarioCatalog}),
     * then one "done" event. The stream is one bridge call, so it must end well within the bridge's
     * timeout: {@code n * (intervalMs + 1)} at most 3/4 of it. Each tick costs its interval plus up to
     * about a millisecond (the loop's timer, handing the event to the writer), and a quarter of the
     * timeout is left for the call to start and for a loaded machine. (A stream that still times out
     * has already answered 200: it cannot get a 504 any more, its response is cut short.)
     */
    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@PathVariable String mode, @RequestParam MultiValueMap<String, String> params,
            HttpServletRequest request) {
        Scenarios.Call call = call(mode, ScenarioCatalog.STREAM, params, request);
        int n = call.params().integer("n");
        int intervalMs = call.params().integer("intervalMs");
        long timeoutMs = call.bridge().timeout().toMillis();
        if ((long) n * (intervalMs + 1) > timeoutMs * 3 / 4) {
            throw new BadParameterException("n * (intervalMs + 1)", n + " * (" + intervalMs + " + 1)", "at most "
                    + timeoutMs * 3 / 4 + " ms, 3/4 of the bridge timeout of " + timeoutMs + " ms: the whole stream is"
                    + " one bridge call, and each tick costs its interval plus up to about 1 ms");
        }
        SseEmitter emitter = new SseEmitter(timeoutMs + 5_000);
        LoopStreams.pipe(call.bridge(), emitter, 4, streamWriters,
                (loop, queue) -> ticks(loop, queue, mode, 0, n, Duration.ofMillis(intervalMs)));
        return emitter;
    }

    /** Puts tick i..n-1, {@code interval} apart, then "done". Loop thread. */
    private static CompletionStage<Void> ticks(EventLoop loop, AsyncQueue<Object> queue, String mode, int i, int n,
            Duration interval) {
        if (i == n) {
            return queue.put(SseEmitter.event().name("done").data(Map.of("mode", mode, "n", n)));
        }
        return loop.sleep(interval)
                .thenCompose(v -> queue.put(SseEmitter.event().id(Integer.toString(i)).name("tick")
                        .data(new Tick(i, Scenarios.thread()))))
                .thenCompose(v -> ticks(loop, queue, mode, i + 1, n, interval));
    }

    private Scenarios.Call call(String mode, String endpoint, MultiValueMap<String, String> params,
            HttpServletRequest request) {
        DemoMode demoMode = DemoMode.of(mode);
        LoopBridge bridge = bridges.get(demoMode.path);
        return new Scenarios.Call(demoMode, bridge, Params.of(endpoint, params), downstreamBase(request));
    }

    /** This web app, reached the way this request reached it (a loopback address): the downstream's base URI. */
    static URI downstreamBase(HttpServletRequest request) {
        String host = request.getLocalAddr();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + request.getLocalPort() + request.getContextPath() + "/");
    }
}
