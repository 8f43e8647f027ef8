package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.context.ContextRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.MDC;

/**
 * Contract, Bridge, context: the caller's MDC (and any thread-local registered with Micrometer
 * context-propagation) is visible in every callback of its body, in every mode, and never leaks into
 * another call's callbacks.
 */
class ContextPropagationTest {
    private static final String KEY = "requestId";
    private static final String ACCESSOR_KEY = "loopbridge.test.tenant";
    private static final ThreadLocal<String> TENANT = new ThreadLocal<>();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Completes external futures off every loop, as an HTTP client would. */
    private static ExecutorService external;

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    @BeforeAll
    static void startExternal() {
        external = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "external-client");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stopExternal() {
        external.shutdownNow();
    }

    @AfterEach
    void clearThreadContext() {
        MDC.clear();
        TENANT.remove();
        ContextRegistry.getInstance().removeThreadLocalAccessor(ACCESSOR_KEY);
    }

    private LoopBridge bridge(BridgeMode mode) {
        return fx.bridge(mode, b -> b.timeout(TIMEOUT));
    }

    /**
     * A body that reads {@code probe} in each kind of callback: the body, a sleep continuation, a
     * task created in the body, a gather continuation, a runInExecutor continuation, an await of a
     * future completed on another thread, callLater and callSoon callbacks; each reading labelled.
     */
    static AsyncCallable<List<String>> readsInEveryCallback(Supplier<String> probe) {
        return l -> {
            String inBody = "body=" + probe.get();
            List<CompletionStage<String>> readings = new ArrayList<>();
            readings.add(l.sleep(Duration.ofMillis(1)).thenApply(x -> "sleep=" + probe.get()));
            readings.add(l.createTask(t -> {
                String inTask = probe.get();
                return t.sleep(Duration.ofMillis(1)).thenApply(x -> "task=" + inTask + "/" + probe.get());
            }));
            readings.add(l.gather(List.of(l.sleep(Duration.ofMillis(1)), l.sleep(Duration.ofMillis(2))))
                    .thenApply(x -> "gather=" + probe.get()));
            readings.add(l.runInExecutor(() -> "work").thenApply(x -> "executor=" + probe.get()));
            readings.add(l.await(CompletableFuture.supplyAsync(() -> "response", external))
                    .thenApply(x -> "await=" + probe.get()));
            LoopFuture<String> later = l.createFuture();
            l.callLater(Duration.ofMillis(1), () -> later.complete("callLater=" + probe.get()));
            readings.add(later);
            LoopFuture<String> soon = l.createFuture();
            l.callSoon(() -> soon.complete("callSoon=" + probe.get()));
            readings.add(soon);
            return l.gather(readings).thenApply(all -> {
                List<String> seen = new ArrayList<>();
                seen.add(inBody);
                seen.addAll(all);
                seen.add("last=" + probe.get());
                return seen;
            });
        };
    }

    static List<String> expected(String value) {
        return List.of("body=" + value, "sleep=" + value, "task=" + value + "/" + value, "gather=" + value,
                "executor=" + value, "await=" + value, "callLater=" + value, "callSoon=" + value, "last=" + value);
    }

    // ------------------------------------------------------------------ MDC in every callback, every mode

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_callerMdc_visibleInEveryCallbackOfBody(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        MDC.put(KEY, "req-" + mode);

        List<String> seen = bridge.run(readsInEveryCallback(() -> MDC.get(KEY)));

        assertThat(seen).containsExactlyElementsOf(expected("req-" + mode));
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_callerMdc_visibleInEveryCallbackOfBody(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        MDC.put(KEY, "req-submit-" + mode);

        CompletableFuture<List<String>> seen = bridge.submit(readsInEveryCallback(() -> MDC.get(KEY)));
        MDC.clear(); // what counts is the MDC at submit time

        assertThat(seen).succeedsWithin(Duration.ofSeconds(10)).asList()
                .containsExactlyElementsOf(expected("req-submit-" + mode));
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_callerMdc_unchangedAfterCall(BridgeMode mode) {
        LoopBridge bridge = bridge(mode);
        MDC.put(KEY, "req-mine");

        bridge.run(l -> l.sleep(Duration.ofMillis(1)));

        assertThat(MDC.getCopyOfContextMap()).containsExactly(Map.entry(KEY, "req-mine"));
    }

    // ------------------------------------------------------------------ MDC never leaks into another call

    @Test
    void shared_thousandInterleavedCalls_eachSeesOnlyItsOwnMdc() throws Exception {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT).maxInFlight(2000));
        int submitters = 2;
        int submitsEach = 300;
        int runners = 2;
        int runsEach = 200;
        CyclicBarrier go = new CyclicBarrier(submitters + runners + 1);
        List<BridgeCaller<List<String>>> callers = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
            String thread = "submitter-" + s;
            callers.add(BridgeCaller.start(thread, () -> {
                go.await();
                List<CompletableFuture<List<String>>> futures = new ArrayList<>();
                for (int i = 0; i < submitsEach; i++) {
                    String mine = thread + "-" + i;
                    MDC.put(KEY, mine);
                    futures.add(bridge.submit(interleavingBody()).thenApply(seen -> mismatches(seen, mine)));
                }
                MDC.clear();
                List<String> problems = new ArrayList<>();
                for (int i = 0; i < submitsEach; i++) {
                    List<String> seen = futures.get(i).get();
                    problems.addAll(seen);
                }
                return problems;
            }));
        }
        for (int r = 0; r < runners; r++) {
            String thread = "runner-" + r;
            callers.add(BridgeCaller.start(thread, () -> {
                go.await();
                List<String> problems = new ArrayList<>();
                for (int i = 0; i < runsEach; i++) {
                    String mine = thread + "-" + i;
                    MDC.put(KEY, mine);
                    List<String> seen = bridge.run(interleavingBody());
                    problems.addAll(mismatches(seen, mine));
                    if (!mine.equals(MDC.get(KEY))) {
                        problems.add("caller MDC changed to " + MDC.get(KEY));
                    }
                }
                MDC.clear();
                return problems;
            }));
        }
        go.await();

        for (BridgeCaller<List<String>> caller : callers) {
            assertThat(caller.outcome).succeedsWithin(Duration.ofSeconds(15)).asList().isEmpty();
        }
        assertThat(bridge.stats().successes()).isEqualTo(submitters * submitsEach + runners * runsEach);
        Map<String, String> loopThreadMdcAfter = bridge.run(l -> CompletableFuture.completedFuture(MDC.getCopyOfContextMap()));
        assertThat(loopThreadMdcAfter == null ? Map.of() : loopThreadMdcAfter).isEmpty();
    }

    /** Reads the MDC in the body and several later callbacks that interleave with other calls'. */
    private static AsyncCallable<List<String>> interleavingBody() {
        return l -> {
            String own = MDC.get(KEY);
            List<CompletionStage<String>> readings = new ArrayList<>();
            readings.add(l.sleep(Duration.ZERO).thenApply(x -> MDC.get(KEY)));
            readings.add(l.createTask(t -> t.sleep(Duration.ofMillis(1)).thenApply(x -> MDC.get(KEY))));
            readings.add(l.gather(List.of(l.sleep(Duration.ZERO), l.sleep(Duration.ofMillis(1))))
                    .thenApply(x -> MDC.get(KEY)));
            return l.gather(readings).thenApply(all -> {
                List<String> seen = new ArrayList<>();
                seen.add(own);
                seen.addAll(all);
                seen.add(MDC.get(KEY));
                return seen;
            });
        };
    }

    /** Every reading that is not {@code mine}, labelled. */
    private static List<String> mismatches(List<String> seen, String mine) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < seen.size(); i++) {
            if (mine == null || !mine.equals(seen.get(i))) {
                problems.add("expected " + mine + " in callback " + i + " but saw " + seen.get(i));
            }
        }
        return problems;
    }

    @Test
    void shared_afterCallsWithMdc_callWithoutMdcSeesEmptyMdc() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);
        for (int i = 0; i < 5; i++) {
            MDC.put(KEY, "req-" + i);
            bridge.run(l -> l.sleep(Duration.ofMillis(1)));
        }
        MDC.clear();

        List<String> seen = bridge.run(readsInEveryCallback(() -> String.valueOf(MDC.getCopyOfContextMap())));

        assertThat(seen).allSatisfy(reading -> assertThat(reading).matches(".*=(null|\\{\\})(/(null|\\{\\}))?"));
    }

    @Test
    void shared_mdcAddedByBody_notVisibleToNextCall() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);
        MDC.put(KEY, "req-1");
        bridge.run(l -> {
            MDC.put("addedByBody", "x");
            return l.sleep(Duration.ofMillis(1));
        });
        MDC.put(KEY, "req-2");

        Map<String, String> seen = bridge.run(l -> l.sleep(Duration.ofMillis(1)).thenApply(x -> MDC.getCopyOfContextMap()));

        assertThat(seen).containsExactly(Map.entry(KEY, "req-2"));
    }

    /** Regression: a call without MDC got no context of its own, so its MDC.put stayed on the loop thread. */
    @Test
    void shared_mdcAddedByBodyOfCallWithoutMdc_notVisibleToNextCallWithoutMdc() {
        LoopBridge bridge = bridge(BridgeMode.SHARED);
        bridge.run(l -> {
            MDC.put("addedByBody", "x");
            return l.sleep(Duration.ofMillis(1));
        });

        Map<String, String> seen = bridge.run(l -> l.sleep(Duration.ofMillis(1)).thenApply(x -> MDC.getCopyOfContextMap()));

        assertThat(seen == null ? Map.<String, String>of() : seen).doesNotContainKey("addedByBody");
    }

    @Test
    void pooled_afterCallWithMdc_workerCarriesNoMdcIntoNextCall() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.poolSize(1).timeout(TIMEOUT));
        MDC.put(KEY, "req-1");
        bridge.run(l -> l.sleep(Duration.ofMillis(1)));
        MDC.clear();

        Map<String, String> seen = bridge.run(l -> CompletableFuture.completedFuture(MDC.getCopyOfContextMap()));

        assertThat(seen == null ? Map.of() : seen).isEmpty();
    }

    @Test
    void perCallSubmit_afterCallWithMdc_workerCarriesNoMdcIntoNextCall() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL, b -> b.poolSize(1).timeout(TIMEOUT));
        MDC.put(KEY, "req-1");
        bridge.submit(l -> l.sleep(Duration.ofMillis(1))).join();
        MDC.clear();

        Map<String, String> seen = bridge.submit(l -> CompletableFuture.completedFuture(MDC.getCopyOfContextMap())).join();

        assertThat(seen == null ? Map.of() : seen).isEmpty();
    }

    // ------------------------------------------------------------------ Micrometer context-propagation

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void run_registeredThreadLocal_visibleInEveryCallbackOfBody(BridgeMode mode) {
        ContextRegistry.getInstance().registerThreadLocalAccessor(ACCESSOR_KEY, TENANT);
        LoopBridge bridge = bridge(mode);
        TENANT.set("tenant-" + mode);

        List<String> seen = bridge.run(readsInEveryCallback(TENANT::get));

        assertThat(seen).containsExactlyElementsOf(expected("tenant-" + mode));
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void submit_registeredThreadLocal_visibleInEveryCallbackOfBody(BridgeMode mode) {
        ContextRegistry.getInstance().registerThreadLocalAccessor(ACCESSOR_KEY, TENANT);
        LoopBridge bridge = bridge(mode);
        TENANT.set("tenant-submit-" + mode);

        CompletableFuture<List<String>> seen = bridge.submit(readsInEveryCallback(TENANT::get));
        TENANT.remove();

        assertThat(seen).succeedsWithin(Duration.ofSeconds(10)).asList()
                .containsExactlyElementsOf(expected("tenant-submit-" + mode));
    }

    @Test
    void shared_interleavedCallsWithRegisteredThreadLocal_eachSeesOnlyItsOwn() {
        ContextRegistry.getInstance().registerThreadLocalAccessor(ACCESSOR_KEY, TENANT);
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(TIMEOUT).maxInFlight(1000));
        List<CompletableFuture<List<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            TENANT.set("tenant-" + i);
            futures.add(bridge.submit(l -> {
                String own = TENANT.get();
                return l.sleep(Duration.ZERO)
                        .thenCompose(x -> l.createTask(t -> t.sleep(Duration.ofMillis(1)).thenApply(y -> TENANT.get())))
                        .thenApply(inTask -> List.of(own, inTask, TENANT.get()));
            }));
        }
        TENANT.remove();

        for (int i = 0; i < futures.size(); i++) {
            String mine = "tenant-" + i;
            assertThat(futures.get(i)).succeedsWithin(Duration.ofSeconds(10)).asList().containsOnly(mine);
        }
    }

    @Test
    void shared_afterCallsWithRegisteredThreadLocal_callWithoutItSeesNone() {
        ContextRegistry.getInstance().registerThreadLocalAccessor(ACCESSOR_KEY, TENANT);
        LoopBridge bridge = bridge(BridgeMode.SHARED);
        TENANT.set("tenant-a");
        bridge.run(l -> l.sleep(Duration.ofMillis(1)));
        TENANT.remove();

        List<String> seen = bridge.run(readsInEveryCallback(TENANT::get));

        assertThat(seen).containsExactlyElementsOf(expected(null));
    }

    @Test
    void accessorRemoved_threadLocalNoLongerCarried() {
        ContextRegistry.getInstance().registerThreadLocalAccessor(ACCESSOR_KEY, TENANT);
        ContextRegistry.getInstance().removeThreadLocalAccessor(ACCESSOR_KEY);
        LoopBridge bridge = bridge(BridgeMode.SHARED);
        TENANT.set("tenant-a");

        String seen = bridge.run(l -> CompletableFuture.completedFuture(TENANT.get()));

        assertThat(seen).isNull();
    }
}
