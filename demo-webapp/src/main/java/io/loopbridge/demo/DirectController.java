package io.loopbridge.demo;

import io.loopbridge.Outcome;
import io.loopbridge.demo.Results.Aggregate;
import io.loopbridge.demo.Results.Hello;
import io.loopbridge.demo.Results.Slept;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.util.MultiValueMap;
import java.util.concurrent.CompletableFuture;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/direct/{hello,sleep,aggregate,cpu}}: the baseline without loopbridge. A plain blocking
 * controller does the same work with {@code CompletableFuture}s and waits with {@code join()}, as code
 * without an event loop would. Same parameters and bodies as the bridge modes.
 *
 * <p>Threads: everything on Jetty's request thread, which is blocked while it waits; the futures
 * complete on {@code demo-timer} and {@code demo-http-N} threads.
 */
@RestController
@RequestMapping("/api/direct")
final class DirectController {
    private static final String MODE = "direct";
    private final DemoTimer timer;
    private final DownstreamClient downstream;

    DirectController(DemoTimer timer, DownstreamClient downstream) {
        this.timer = timer;
        this.downstream = downstream;
    }

    @GetMapping("/hello")
    Hello hello(@RequestParam MultiValueMap<String, String> params) {
        Params.of(ScenarioCatalog.HELLO, params); // takes none: refuses any
        return new Hello(MODE, "hello", Scenarios.thread());
    }

    @GetMapping("/sleep")
    Slept sleep(@RequestParam MultiValueMap<String, String> params) {
        int ms = Params.of("sleep", params).integer("ms");
        long start = System.nanoTime();
        timer.delay(Duration.ofMillis(ms)).join();
        return new Slept(MODE, ms, Results.millisSince(start), Scenarios.thread());
    }

    @GetMapping("/cpu")
    CpuWork.Hashed cpu(@RequestParam MultiValueMap<String, String> params) {
        return CpuWork.hash(MODE, CpuWork.rounds(Params.of("cpu", params)));
    }

    @GetMapping("/aggregate")
    Aggregate aggregate(@RequestParam MultiValueMap<String, String> params, HttpServletRequest request) {
        AggregatePlan plan = AggregatePlan.from(Params.of("aggregate", params));
        URI base = ScenarioController.downstreamBase(request);
        long start = System.nanoTime();
        List<CompletableFuture<Outcome<DownstreamClient.User>>> calls = new ArrayList<>(plan.ids().size());
        for (int id : plan.ids()) {
            calls.add(timer.within(downstream.fetch(base, id, plan.delayFor(id), plan.fails(id)), plan.timeout())
                    .thenApply(DownstreamClient::parse)
                    .handle(Outcome::of));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        return Aggregate.of(MODE, plan.ids(), calls.stream().map(CompletableFuture::join).toList(), start);
    }

    @GetMapping("/{scenario}")
    Object unsupported(@PathVariable String scenario) {
        throw new BadParameterException("scenario", scenario, "hello, sleep, aggregate or cpu: the direct baseline has no"
                + " event loop, so no limited, blocking, nested or stream");
    }
}
