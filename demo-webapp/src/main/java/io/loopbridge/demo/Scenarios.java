package io.loopbridge.demo;

import io.loopbridge.AsyncCallable;
import io.loopbridge.AsyncSemaphore;
import io.loopbridge.LoopBridge;
import io.loopbridge.LoopFuture;
import io.loopbridge.demo.Results.Aggregate;
import io.loopbridge.demo.Results.Blocked;
import io.loopbridge.demo.Results.Hello;
import io.loopbridge.demo.Results.Limited;
import io.loopbridge.demo.Results.Slept;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * The async code of each scenario, the same for every mode: {@link #prepare} checks the parameters on
 * the request thread (a 400 costs no bridge call) and returns the body that the bridge runs on its
 * loop. Threads: {@code prepare} on the request thread; the bodies on the bridge's loop thread.
 *
 * <p>The scenarios: hello (the bridge's overhead), sleep (a loop timer), aggregate (concurrent HTTP calls,
 * per-call timeout, partial failures: {@link AggregatePlan}), limited (tasks under an AsyncSemaphore),
 * blocking (blocking work through runInExecutor), nested (calls the bridge from its own loop, refused
 * with 500) and cpu (hashing on the loop: {@link CpuWork}). Their parameters and bounds are in
 * {@link ScenarioCatalog}, checked by {@link Params} (400 otherwise).
 */
@Component
final class Scenarios {
    /** What a scenario needs besides its parameters. */
    record Call(DemoMode mode, LoopBridge bridge, Params params, URI downstream) {}

    @FunctionalInterface
    private interface Scenario {
        AsyncCallable<Object> prepare(Call call);
    }

    private final DownstreamClient downstream;
    private final Map<String, Scenario> byName = new LinkedHashMap<>();

    Scenarios(DownstreamClient downstream) {
        this.downstream = downstream;
        byName.put("hello", this::hello);
        byName.put("sleep", this::sleep);
        byName.put("aggregate", this::aggregate);
        byName.put("limited", this::limited);
        byName.put("blocking", this::blocking);
        byName.put("nested", this::nested);
        byName.put("cpu", this::cpu);
    }

    /** The body of {@code scenario} for {@code call}; 400 for bad parameters. */
    AsyncCallable<Object> prepare(String scenario, Call call) {
        return byName.get(known(scenario)).prepare(call);
    }

    /** {@code scenario} if there is one of that name; else 404 listing them. */
    String known(String scenario) {
        if (!byName.containsKey(scenario)) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no scenario '"
                    + BadParameterException.echo(scenario) + "' (scenarios: " + byName.keySet() + ", and stream)");
            throw new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
        }
        return scenario;
    }

    /** CPU-bound work on the loop thread itself: in SHARED every caller queues behind it. */
    private AsyncCallable<Object> cpu(Call call) {
        int rounds = CpuWork.rounds(call.params());
        return loop -> CompletableFuture.completedFuture(CpuWork.hash(call.mode().path, rounds));
    }

    private AsyncCallable<Object> hello(Call call) {
        return loop -> CompletableFuture.completedFuture(new Hello(call.mode().path, "hello", thread()));
    }

    private AsyncCallable<Object> sleep(Call call) {
        int ms = call.params().integer("ms");
        return loop -> {
            long start = System.nanoTime();
            return loop.sleep(Duration.ofMillis(ms))
                    .thenApply(v -> new Slept(call.mode().path, ms, Results.millisSince(start), thread()));
        };
    }

    private AsyncCallable<Object> aggregate(Call call) {
        AggregatePlan plan = AggregatePlan.from(call.params());
        return loop -> {
            long start = System.nanoTime();
            List<CompletionStage<DownstreamClient.User>> users = new ArrayList<>(plan.ids().size());
            for (int id : plan.ids()) {
                users.add(loop.timeout(downstream.fetch(call.downstream(), id, plan.delayFor(id), plan.fails(id)),
                        plan.timeout()).thenApply(DownstreamClient::parse));
            }
            return loop.gatherSettled(users)
                    .thenApply(outcomes -> Aggregate.of(call.mode().path, plan.ids(), outcomes, start));
        };
    }

    private AsyncCallable<Object> limited(Call call) {
        int n = call.params().integer("n");
        int concurrency = call.params().integer("concurrency");
        Duration task = Duration.ofMillis(call.params().integer("taskMs"));
        return loop -> {
            long start = System.nanoTime();
            AsyncSemaphore permits = new AsyncSemaphore(loop, concurrency);
            int[] running = {0, 0}; // now, most at once; loop thread only
            List<LoopFuture<Void>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                tasks.add(permits.withPermit(l -> {
                    running[1] = Math.max(running[1], ++running[0]);
                    return l.sleep(task).thenApply(v -> { // before the permit is released
                        running[0]--;
                        return v;
                    });
                }));
            }
            return loop.gather(tasks).thenApply(
                    done -> new Limited(call.mode().path, n, concurrency, running[1], Results.millisSince(start)));
        };
    }

    private AsyncCallable<Object> blocking(Call call) {
        int ms = call.params().integer("ms");
        return loop -> {
            String loopThread = thread();
            return loop.runInExecutor(() -> {
                Thread.sleep(ms); // the blocking work being offloaded, not synchronisation
                return thread();
            }).thenApply(blockingThread -> new Blocked(call.mode().path, ms, blockingThread, loopThread));
        };
    }

    /** Deliberately wrong: a blocking bridge call from async code. The guard refuses it (500), never hangs. */
    private AsyncCallable<Object> nested(Call call) {
        return loop -> CompletableFuture.completedFuture(call.bridge().run(inner -> inner.sleep(Duration.ofMillis(1))));
    }

    static String thread() {
        return Thread.currentThread().getName();
    }
}
