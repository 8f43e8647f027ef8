package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input: null arguments throw NullPointerException naming the parameter; negative delays throw
 * IllegalArgumentException naming the value ("delay: PT-1S (expected >= 0)"; a negative timeout is a
 * spent budget, not bad input: TimeoutBudgetTest);
 * scheduling on a closed loop throws RejectedExecutionException naming the loop.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadInputTest {
    private static final Duration MINUS_1S = Duration.ofSeconds(-1);
    private static final Runnable NOOP = () -> {};
    private static final AsyncCallable<Object> BODY = l -> CompletableFuture.completedFuture(null);

    private final EventLoop loop = EventLoop.builder().name("input-loop").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    private static Arguments call(String parameter, Consumer<EventLoop> call) {
        return Arguments.of(parameter, call);
    }

    // ------------------------------------------------------------------ null arguments

    static Stream<Arguments> nullArguments() {
        return Stream.of(
                call("callback", l -> l.callSoon(null)),
                call("callback", l -> l.callSoonThreadsafe(null)),
                call("command", l -> l.execute(null)),
                call("delay", l -> l.callLater(null, NOOP)),
                call("callback", l -> l.callLater(Duration.ZERO, null)),
                call("callback", l -> l.callAt(0L, null)),
                call("body", l -> l.runUntilComplete(null)),
                call("body", l -> l.createTask(null)),
                call("body", l -> l.createTask("named", null)),
                call("delay", l -> l.sleep(null)),
                call("stage", l -> l.await(null)),
                call("stage", l -> l.timeout(null, Duration.ZERO)),
                call("timeout", l -> l.timeout(new CompletableFuture<>(), null)),
                call("stage", l -> l.timeoutAt(null, 0L)),
                call("budget", l -> l.timeoutScope(null)),
                call("stages", l -> l.wait(null, WaitMode.ALL_COMPLETED)),
                call("mode", l -> l.wait(List.of(new CompletableFuture<>()), null)),
                call("stages[1]", l -> l.wait(Arrays.asList(new CompletableFuture<>(), null), WaitMode.FIRST_COMPLETED)),
                call("timeout", l -> l.wait(List.of(new CompletableFuture<>()), WaitMode.ALL_COMPLETED, null)),
                call("stages", l -> l.asCompleted(null)),
                call("stages[0]", l -> l.asCompleted(Arrays.asList((CompletableFuture<Object>) null))),
                call("stage", l -> l.shield(null)),
                call("stages", l -> l.gather(null)),
                call("stages[1]", l -> l.gather(Arrays.asList(new CompletableFuture<>(), null))),
                call("stages", l -> l.gatherSettled(null)),
                call("stages[0]", l -> l.gatherSettled(Arrays.asList((CompletableFuture<Object>) null))),
                call("work", l -> l.runInExecutor(null)),
                call("executor", l -> l.runInExecutor(null, () -> 1)),
                call("work", l -> l.runInExecutor(ForkJoinPool.commonPool(), null)),
                call("body", l -> l.taskGroup(null)),
                call("threshold", l -> l.setSlowCallbackThreshold(null)),
                call("loop", l -> new AsyncSemaphore(null, 1)),
                call("loop", l -> new AsyncLock(null)),
                call("loop", l -> new AsyncEvent(null)),
                call("loop", l -> new AsyncQueue<String>(null, 1)),
                call("item", l -> new AsyncQueue<String>(l, 1).put(null)),
                call("item", l -> new AsyncQueue<String>(l, 1).offer(null)),
                call("body", l -> new AsyncSemaphore(l, 1).withPermit(null)),
                call("body", l -> LoopManager.run(null)),
                call("loop", l -> LoopManager.set(null)),
                call("name", l -> EventLoop.builder().name(null)),
                call("clock", l -> EventLoop.builder().clock(null)),
                call("exceptionHandler", l -> EventLoop.builder().exceptionHandler(null)),
                call("slowCallbackThreshold", l -> EventLoop.builder().slowCallbackThreshold(null)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("nullArguments")
    void nullArgument_throwsNpeNamingTheParameter(String parameter, Consumer<EventLoop> call) {
        assertThatThrownBy(() -> call.accept(loop)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage(parameter + " must not be null");
    }

    // ------------------------------------------------------------------ negative durations

    static Stream<Arguments> negativeDurations() {
        return Stream.of(
                Arguments.of("delay: PT-1S (expected >= 0)", (Consumer<EventLoop>) l -> l.callLater(MINUS_1S, NOOP)),
                Arguments.of("delay: PT-1S (expected >= 0)", (Consumer<EventLoop>) l -> l.sleep(MINUS_1S)),
                Arguments.of("threshold: PT-1S (expected > 0)",
                        (Consumer<EventLoop>) l -> l.setSlowCallbackThreshold(MINUS_1S)),
                Arguments.of("threshold: PT0S (expected > 0)",
                        (Consumer<EventLoop>) l -> l.setSlowCallbackThreshold(Duration.ZERO)),
                Arguments.of("slowCallbackThreshold: PT-1S (expected > 0)",
                        (Consumer<EventLoop>) l -> EventLoop.builder().slowCallbackThreshold(MINUS_1S)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("negativeDurations")
    void negativeDuration_throwsIaeNamingTheValue(String message, Consumer<EventLoop> call) {
        assertThatThrownBy(() -> call.accept(loop)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void callLater_negativeDelay_schedulesNothing() {
        assertThatThrownBy(() -> loop.callLater(Duration.ofNanos(-1), NOOP))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(Internals.pendingTimers(loop)).isZero();
    }

    @Test
    void callLater_zeroDelay_isAccepted() {
        TimerHandle timer = loop.callLater(Duration.ZERO, NOOP);

        assertThat(timer.isCancelled()).isFalse();
    }

    @Test
    void primitives_negativeOrZeroSizes_throwIaeNamingTheValue() {
        assertThatThrownBy(() -> new AsyncSemaphore(loop, -1)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("permits: -1 (expected >= 0)");
        assertThatThrownBy(() -> new AsyncQueue<String>(loop, 0)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity: 0 (expected > 0)");
    }

    // ------------------------------------------------------------------ closed loop

    static Stream<Arguments> schedulingCalls() {
        return Stream.of(
                call("callSoon", l -> l.callSoon(NOOP)),
                call("callSoonThreadsafe", l -> l.callSoonThreadsafe(NOOP)),
                call("execute", l -> l.execute(NOOP)),
                call("callLater", l -> l.callLater(Duration.ofMillis(1), NOOP)),
                call("callAt", l -> l.callAt(l.time(), NOOP)),
                call("createTask", l -> l.createTask(BODY)),
                call("createTask(name)", l -> l.createTask("t", BODY)),
                call("sleep", l -> l.sleep(Duration.ofMillis(1))),
                call("timeout", l -> l.timeout(new CompletableFuture<>(), Duration.ofMillis(1))),
                call("timeoutAt", l -> l.timeoutAt(new CompletableFuture<>(), l.time() + 1_000_000)),
                call("wait(timeout)", l -> l.wait(List.of(new CompletableFuture<>()), WaitMode.ALL_COMPLETED,
                        Duration.ofMillis(1))),
                call("runInExecutor", l -> l.runInExecutor(() -> 1)),
                call("runInExecutor(executor)", l -> l.runInExecutor(Runnable::run, () -> 1)));
    }

    @Test
    void runInExecutorOnClosedLoop_neverRunsTheWork() {
        loop.close();
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> loop.runInExecutor(Runnable::run, ran::incrementAndGet))
                .isExactlyInstanceOf(RejectedExecutionException.class);
        assertThat(ran).hasValue(0);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("schedulingCalls")
    void schedulingOnClosedLoop_throwsRejectedExecutionNamingTheLoop(String method, Consumer<EventLoop> call) {
        loop.close();

        assertThatThrownBy(() -> call.accept(loop)).isExactlyInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("'input-loop'")
                .hasMessageContaining("closed");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("schedulingCalls")
    void schedulingOnClosedLoopFromAnotherThread_throwsRejectedExecution(String method, Consumer<EventLoop> call)
            throws Exception {
        loop.close();

        Throwable thrown = CompletableFuture.supplyAsync(() -> {
            try {
                call.accept(loop);
                return null;
            } catch (Throwable t) {
                return t;
            }
        }).get();

        assertThat(thrown).isExactlyInstanceOf(RejectedExecutionException.class).hasMessageContaining("input-loop");
    }

    @Test
    void builder_optionSetTwice_throwsNamingTheEarlierValue() {
        EventLoop.Builder builder = EventLoop.builder().name("first");

        assertThatThrownBy(() -> builder.name("second")).isInstanceOf(IllegalStateException.class)
                .hasMessage("name was already set to first");
    }
}
