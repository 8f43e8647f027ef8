package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import io.loopbridge.internal.KnownLoops;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Contract, Bridge, nested guard: on a thread running another framework's event loop (Reactor's
 * non-blocking schedulers, a Netty event loop, a Vert.x event loop, a loop a
 * {@link ForeignLoopDetector} found by {@code ServiceLoader} recognises) every blocking entry throws
 * {@link NestedLoopException} naming the framework, the thread and the fix; those frameworks' threads
 * meant for blocking work are let through; the switch turns a framework's detector off.
 */
class ForeignLoopGuardTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();
    @RegisterExtension
    final LogCapture log = LogCapture.of(LoopGuard.class);

    private static EventLoopGroup netty;
    private static Vertx vertx;

    @BeforeAll
    static void startFrameworks() {
        netty = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopFrameworks() throws Exception {
        netty.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        vertx.close().toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** A thread of some framework, and how to run code on it. */
    enum Place {
        REACTOR_PARALLEL("Reactor"), REACTOR_SINGLE("Reactor"), NETTY_EVENT_LOOP("Netty"),
        VERTX_EVENT_LOOP("Vert.x"), ACME_LOOP("Acme"),
        REACTOR_BOUNDED_ELASTIC(null), VERTX_WORKER(null), NETTY_PLAIN_THREAD(null), BROKEN_DETECTOR_THREAD(null);

        /** The framework whose loop the thread runs, null for a thread that may block. */
        final String framework;

        Place(String framework) {
            this.framework = framework;
        }

        <T> T run(Callable<T> code) throws Exception {
            switch (this) {
                case REACTOR_PARALLEL:
                    return onReactor(Schedulers.parallel(), code);
                case REACTOR_SINGLE:
                    return onReactor(Schedulers.single(), code);
                case REACTOR_BOUNDED_ELASTIC:
                    return onReactor(Schedulers.boundedElastic(), code);
                case NETTY_EVENT_LOOP:
                    return netty.next().submit(code).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                case VERTX_EVENT_LOOP: {
                    CompletableFuture<T> result = new CompletableFuture<>();
                    vertx.runOnContext(v -> complete(result, code));
                    return result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                }
                case VERTX_WORKER:
                    return vertx.executeBlocking(code).toCompletionStage().toCompletableFuture()
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                case NETTY_PLAIN_THREAD:
                    return onThread(runnable -> new FastThreadLocalThread(runnable, "netty-plain-1"), code);
                case ACME_LOOP:
                    return onThread(runnable -> new Thread(runnable, NamedThreadLoopDetector.LOOP_THREAD_PREFIX + "1"), code);
                case BROKEN_DETECTOR_THREAD:
                    return onThread(runnable -> new Thread(runnable, BrokenLoopDetector.THREAD_PREFIX + "1"), code);
                default:
                    throw new AssertionError(this);
            }
        }

        private static <T> T onReactor(Scheduler scheduler, Callable<T> code) {
            return Mono.fromCallable(code).subscribeOn(scheduler).block(WAIT);
        }

        private static <T> T onThread(java.util.function.Function<Runnable, Thread> factory, Callable<T> code)
                throws Exception {
            CompletableFuture<T> result = new CompletableFuture<>();
            factory.apply(() -> complete(result, code)).start();
            return result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        private static <T> void complete(CompletableFuture<T> result, Callable<T> code) {
            try {
                result.complete(code.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }
    }

    /** The blocking entries. */
    enum Entry {
        BRIDGE_RUN_SHARED, BRIDGE_RUN_PER_CALL, LOOP_MANAGER_RUN, RUN_UNTIL_COMPLETE, LOOP_FUTURE_GET;

        String attempt(BridgeFixture fx) throws Exception {
            AsyncCallable<String> body = l -> l.sleep(Duration.ofMillis(1)).thenApply(v -> "ran");
            switch (this) {
                case BRIDGE_RUN_SHARED:
                    return fx.bridge(BridgeMode.SHARED).run(body);
                case BRIDGE_RUN_PER_CALL:
                    return fx.bridge(BridgeMode.PER_CALL).run(body);
                case LOOP_MANAGER_RUN:
                    return LoopManager.run(body);
                case RUN_UNTIL_COMPLETE:
                    try (EventLoop loop = EventLoop.create()) {
                        return loop.runUntilComplete(body);
                    }
                case LOOP_FUTURE_GET: {
                    EventLoop loop = EventLoop.create();
                    LoopFuture<String> pending = loop.createFuture();
                    CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS).execute(() -> pending.complete("ran"));
                    try {
                        return pending.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    } finally {
                        loop.close();
                    }
                }
                default:
                    throw new AssertionError(this);
            }
        }
    }

    static Stream<Arguments> everyLoopAndEntry() {
        return Stream.of(Place.values()).filter(p -> p.framework != null)
                .flatMap(p -> Stream.of(Entry.values()).map(e -> Arguments.of(p, e)));
    }

    static Stream<Arguments> everyBlockingThreadAndEntry() {
        // the broken detector's thread is left to the test of its switch-off, which happens once per JVM
        return Stream.of(Place.values()).filter(p -> p.framework == null && p != Place.BROKEN_DETECTOR_THREAD)
                .flatMap(p -> Stream.of(Entry.values()).map(e -> Arguments.of(p, e)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("everyLoopAndEntry")
    void onAForeignLoopThread_everyBlockingEntryIsRefused_namingTheFrameworkThreadAndFix(Place place, Entry entry)
            throws Exception {
        String[] thread = new String[1];

        Throwable thrown = place.run(() -> {
            thread[0] = Thread.currentThread().getName();
            return catchThrowable(() -> entry.attempt(fx));
        });

        assertThat(thrown).isInstanceOf(NestedLoopException.class)
                .hasMessageContaining("called on thread '" + thread[0] + "'")
                .hasMessageContaining("which runs " + place.framework + "'s event loop")
                .hasMessageContaining("Fix: ");
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("everyBlockingThreadAndEntry")
    void onAThreadMeantForBlocking_theEntryRuns(Place place, Entry entry) throws Exception {
        String value = place.run(() -> entry.attempt(fx));

        assertThat(value).isEqualTo("ran");
    }

    @ParameterizedTest
    @EnumSource(value = Place.class, names = {"REACTOR_PARALLEL", "NETTY_EVENT_LOOP", "VERTX_EVENT_LOOP", "ACME_LOOP"})
    void theFixNamesWhatToDoInThatFramework(Place place) throws Exception {
        Throwable thrown = place.run(() -> catchThrowable(() -> LoopManager.run(l -> l.sleep(Duration.ZERO))));

        String fix = switch (place) {
            case REACTOR_PARALLEL -> "return the Mono or Flux";
            case NETTY_EVENT_LOOP -> "add a listener";
            case VERTX_EVENT_LOOP -> "vertx.executeBlocking";
            default -> "hand the call to acme.offload(...)";
        };
        assertThat(thrown).hasMessageContaining(fix);
    }

    @Test
    void aRefusedRun_countsAsANestedRefusal_andTakesNoSlot() throws Exception {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED);

        Place.REACTOR_PARALLEL.run(() -> catchThrowable(() -> bridge.run(l -> l.sleep(Duration.ZERO))));

        assertThat(bridge.stats().nestedRefusals()).isEqualTo(1);
        assertThat(bridge.stats().inFlight()).isZero();
    }

    @Test
    void submit_neverBlocks_soItRunsOnAForeignLoopThread() throws Exception {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED);

        CompletableFuture<String> future = Place.NETTY_EVENT_LOOP.run(() -> bridge.submit(l -> CompletableFuture.completedFuture("ran")));

        assertThat(future).succeedsWithin(WAIT).isEqualTo("ran");
    }

    @Test
    void aDetectorThatThrows_isSwitchedOffAndLogged() throws Exception {
        String value = Place.BROKEN_DETECTOR_THREAD.run(() -> LoopManager.run(l -> l.sleep(Duration.ZERO).thenApply(v -> "ran")));

        assertThat(value).isEqualTo("ran");
        assertThat(log.messages(Level.WARN)).anySatisfy(m -> assertThat(m).contains("Broken").contains("switched off"));
    }

    @Test
    void theSwitch_turnsTheNamedFrameworksOff() {
        ClassLoader loader = getClass().getClassLoader();

        List<String> all = frameworks(KnownLoops.load(loader, ""));
        List<String> some = frameworks(KnownLoops.load(loader, " reactor, NETTY ,acme"));

        assertThat(all).containsExactly("Vert.x", "Reactor", "Netty", "Acme", "Broken");
        assertThat(some).containsExactly("Vert.x", "Broken");
    }

    @Test
    void withoutTheFrameworksOnTheClassPath_thereIsNothingToDetect() {
        ClassLoader bootOnly = new ClassLoader(null) {};

        assertThat(KnownLoops.load(bootOnly, "")).isEmpty();
    }

    private static List<String> frameworks(List<ForeignLoopDetector> detectors) {
        return detectors.stream().map(ForeignLoopDetector::framework).toList();
    }
}
