package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: callLater/callAt never fire early (monotonic clock), fire in deadline order (ties:
 * scheduling order); a cancelled timer never fires and is removed (a million schedule+cancel cycles
 * do not grow memory).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerTest {
    private static final Duration MS_100 = Duration.ofMillis(100);

    // ------------------------------------------------------------------ never early

    @Test
    void callLater_fakeClockJustBeforeDeadline_doesNotFire() throws Exception {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        AtomicLong firedAt = new AtomicLong(-1);
        try (LoopThread lt = LoopThread.start(loop)) {
            long deadline = lt.call(() -> loop.callLater(MS_100, () -> firedAt.set(clock.nanoTime())).when());

            clock.advance(MS_100.minusNanos(1));
            lt.run(() -> {}); // one full iteration that saw the advanced clock
            lt.run(() -> {});

            assertThat(firedAt).as("fired one nanosecond early").hasValue(-1);
            clock.advance(Duration.ofNanos(1));
            lt.run(() -> {});
            await().atMost(Duration.ofSeconds(5)).until(() -> firedAt.get() != -1);
            assertThat(firedAt.get()).isEqualTo(deadline);
        }
    }

    @Test
    void callAt_fakeClockJustBeforeDeadline_doesNotFire() throws Exception {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        AtomicLong firedAt = new AtomicLong(-1);
        long deadline = clock.nanoTime() + 500;
        try (LoopThread lt = LoopThread.start(loop)) {
            lt.run(() -> loop.callAt(deadline, () -> firedAt.set(clock.nanoTime())));

            clock.advance(Duration.ofNanos(499));
            lt.run(() -> {});
            lt.run(() -> {});

            assertThat(firedAt).hasValue(-1);
            clock.advance(Duration.ofNanos(1));
            lt.run(() -> {});
            await().atMost(Duration.ofSeconds(5)).until(() -> firedAt.get() == deadline);
        }
    }

    @Test
    void callLater_systemClock_firesNoEarlierThanDelay() {
        EventLoop loop = EventLoop.create();
        Duration delay = Duration.ofMillis(30);

        long elapsed = loop.runUntilComplete(l -> {
            long start = System.nanoTime();
            CompletableFuture<Long> fired = new CompletableFuture<>();
            l.callLater(delay, () -> fired.complete(System.nanoTime() - start));
            return l.await(fired);
        });

        assertThat(elapsed).isGreaterThanOrEqualTo(delay.toNanos());
        loop.close();
    }

    @Test
    void callLater_fromAnotherThread_firesOnLoopThreadNoEarlierThanDelay() throws Exception {
        EventLoop loop = EventLoop.create();
        Duration delay = Duration.ofMillis(20);
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        try (LoopThread lt = LoopThread.start(loop)) {
            long start = System.nanoTime();
            loop.callLater(delay, () -> ranOn.complete(Thread.currentThread()));

            assertThat(ranOn.get(5, TimeUnit.SECONDS)).isSameAs(lt.thread);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(delay.toNanos());
        }
    }

    @Test
    void callLater_when_isLoopTimePlusDelay() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();

        TimerHandle timer = loop.callLater(Duration.ofSeconds(3), () -> {});

        assertThat(timer.when()).isEqualTo(loop.time() + Duration.ofSeconds(3).toNanos());
        loop.close();
    }

    // ------------------------------------------------------------------ order

    @Test
    void callLater_differentDelays_fireInDeadlineOrder() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        List<Integer> fired = new ArrayList<>();

        loop.runUntilComplete(l -> {
            for (int ms : new int[] {30, 10, 50, 0, 20, 40}) {
                l.callLater(Duration.ofMillis(ms), () -> fired.add(ms));
            }
            clock.advance(Duration.ofSeconds(1)); // all due in the same iteration
            return l.sleep(Duration.ZERO);
        });

        assertThat(fired).containsExactly(0, 10, 20, 30, 40, 50);
        loop.close();
    }

    @Test
    void callLater_equalDeadlines_fireInSchedulingOrder() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        List<Integer> fired = new ArrayList<>();

        loop.runUntilComplete(l -> {
            for (int i = 0; i < 200; i++) {
                int n = i;
                l.callLater(MS_100, () -> fired.add(n));
            }
            clock.advance(MS_100);
            return l.sleep(Duration.ZERO);
        });

        assertThat(fired).containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
        loop.close();
    }

    @Test
    void callAt_equalDeadlinesMixedWithOthers_fireInDeadlineThenSchedulingOrder() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        List<String> fired = new ArrayList<>();
        long t0 = clock.nanoTime();

        loop.runUntilComplete(l -> {
            l.callAt(t0 + 20, () -> fired.add("20a"));
            l.callAt(t0 + 10, () -> fired.add("10a"));
            l.callAt(t0 + 20, () -> fired.add("20b"));
            l.callAt(t0 + 10, () -> fired.add("10b"));
            l.callAt(t0 + 5, () -> fired.add("5"));
            clock.advance(Duration.ofNanos(100));
            return l.sleep(Duration.ZERO);
        });

        assertThat(fired).containsExactly("5", "10a", "10b", "20a", "20b");
        loop.close();
    }

    @Test
    void callLater_clockCrossingLongOverflow_firesInDeadlineOrderAndNotEarly() {
        // Deadlines are compared by difference, as System.nanoTime() values must be.
        FakeClock clock = new FakeClock(Long.MAX_VALUE - Duration.ofMillis(15).toNanos());
        EventLoop loop = EventLoop.builder().clock(clock).build();
        List<Integer> fired = new ArrayList<>();
        List<Integer> firedBy10 = new ArrayList<>();

        loop.runUntilComplete(l -> {
            l.callLater(Duration.ofMillis(30), () -> fired.add(30));
            l.callLater(Duration.ofMillis(10), () -> fired.add(10));
            l.callLater(Duration.ofMillis(20), () -> fired.add(20));
            clock.advance(Duration.ofMillis(10)); // 10 due, 20 and 30 (past the overflow) not
            l.callSoon(() -> l.callSoon(() -> {
                firedBy10.addAll(fired);
                clock.advance(Duration.ofMillis(20));
            }));
            return l.sleep(Duration.ZERO).thenCompose(x -> l.sleep(Duration.ZERO));
        });

        assertThat(firedBy10).containsExactly(10);
        assertThat(fired).containsExactly(10, 20, 30);
        loop.close();
    }

    @Test
    void callAt_deadlineInThePast_firesOnNextIteration() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        AtomicBoolean fired = new AtomicBoolean();

        loop.runUntilComplete(l -> {
            l.callAt(l.time() - Duration.ofHours(1).toNanos(), () -> fired.set(true));
            LoopFuture<Void> done = l.createFuture();
            l.callSoon(() -> l.callSoon(() -> done.complete(null)));
            return done;
        });

        assertThat(fired).isTrue();
        loop.close();
    }

    // ------------------------------------------------------------------ cancellation

    @Test
    void timer_cancelled_neverFires() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        List<String> fired = new ArrayList<>();

        loop.runUntilComplete(l -> {
            TimerHandle cancelled = l.callLater(MS_100, () -> fired.add("cancelled"));
            l.callLater(MS_100, () -> fired.add("kept"));
            assertThat(cancelled.cancel()).isTrue();
            clock.advance(Duration.ofSeconds(1));
            return l.sleep(Duration.ZERO);
        });

        assertThat(fired).containsExactly("kept");
        loop.close();
    }

    @Test
    void timer_cancelled_isRemovedFromHeapAtOnce() {
        EventLoop loop = EventLoop.create();

        int[] sizes = loop.runUntilComplete(l -> {
            TimerHandle t = l.callLater(Duration.ofHours(1), () -> {});
            int before = Internals.pendingTimers(l);
            t.cancel();
            return CompletableFuture.completedFuture(new int[] {before, Internals.pendingTimers(l)});
        });

        assertThat(sizes).containsExactly(1, 0);
        assertThat(Internals.pendingTimers(loop)).isZero();
        loop.close();
    }

    @Test
    void timer_cancelledByCallbackOfSameIteration_neverFires() {
        // b is already due (queued behind a) when a cancels it: it must still not run.
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        List<String> fired = new ArrayList<>();
        AtomicBoolean cancelResult = new AtomicBoolean();

        loop.runUntilComplete(l -> {
            TimerHandle[] b = new TimerHandle[1];
            l.callLater(MS_100, () -> {
                fired.add("a");
                cancelResult.set(b[0].cancel());
            });
            b[0] = l.callLater(MS_100, () -> fired.add("b"));
            clock.advance(MS_100);
            return l.sleep(Duration.ZERO);
        });

        assertThat(fired).containsExactly("a");
        assertThat(cancelResult).isTrue();
        loop.close();
    }

    @Test
    void timer_cancelledFromAnotherThread_neverFiresAndIsRemoved() throws Exception {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        ConcurrentLinkedQueue<String> fired = new ConcurrentLinkedQueue<>();
        CountDownLatch controlFired = new CountDownLatch(1);
        try (LoopThread lt = LoopThread.start(loop)) {
            TimerHandle victim = lt.call(() -> loop.callLater(MS_100, () -> fired.add("victim")));
            lt.run(() -> loop.callLater(MS_100, () -> {
                fired.add("control");
                controlFired.countDown();
            }));

            assertThat(victim.cancel()).isTrue();
            clock.advance(MS_100);
            loop.callSoonThreadsafe(() -> {});

            assertThat(controlFired.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(fired).containsExactly("control");
            assertThat(victim.isCancelled()).isTrue();
            assertThat(lt.call(() -> Internals.pendingTimers(loop))).isZero();
        }
    }

    @Test
    void timer_scheduledAndCancelledFromAnotherThread_leavesNothingBehind() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            for (int i = 0; i < 100_000; i++) {
                loop.callLater(Duration.ofHours(1), () -> {}).cancel();
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> lt.call(() -> Internals.pendingTimers(loop)) == 0);
            assertThat(lt.call(() -> Internals.timerHeapCapacity(loop))).isLessThanOrEqualTo(64);
        }
    }

    @Test
    void timer_cancelAfterFiring_returnsFalse() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();

        TimerHandle timer = loop.runUntilComplete(l -> {
            TimerHandle t = l.callLater(Duration.ZERO, () -> {});
            return l.sleep(Duration.ZERO).thenApply(x -> t);
        });

        assertThat(timer.cancel()).isFalse();
        assertThat(timer.isCancelled()).isFalse();
        loop.close();
    }

    @Test
    void timer_cancelTwice_secondReturnsFalse() {
        EventLoop loop = EventLoop.create();
        TimerHandle timer = loop.callLater(Duration.ofHours(1), () -> {});

        assertThat(timer.cancel()).isTrue();
        assertThat(timer.cancel()).isFalse();
        assertThat(timer.isCancelled()).isTrue();
        loop.close();
    }

    // ------------------------------------------------------------------ memory

    @Test
    void timer_millionScheduleCancelCycles_heapStaysEmpty() {
        EventLoop loop = EventLoop.create();

        int[] after = loop.runUntilComplete(l -> {
            Runnable noop = () -> {};
            for (int i = 0; i < 1_000_000; i++) {
                l.callLater(Duration.ofSeconds(60), noop).cancel();
            }
            return CompletableFuture.completedFuture(
                    new int[] {Internals.pendingTimers(l), Internals.timerHeapCapacity(l)});
        });

        assertThat(after[0]).as("timers left in the heap").isZero();
        assertThat(after[1]).as("heap capacity").isLessThanOrEqualTo(64);
        loop.close();
    }

    @Test
    void timer_millionScheduleCancelCyclesNextToLiveTimers_heapHoldsOnlyLiveOnes() {
        EventLoop loop = EventLoop.create();

        int[] after = loop.runUntilComplete(l -> {
            Runnable noop = () -> {};
            for (int i = 0; i < 1_000; i++) {
                l.callLater(Duration.ofHours(1), noop);
            }
            for (int i = 0; i < 1_000_000; i++) {
                l.callLater(Duration.ofMillis(i % 5_000), noop).cancel();
            }
            return CompletableFuture.completedFuture(
                    new int[] {Internals.pendingTimers(l), Internals.timerHeapCapacity(l)});
        });

        assertThat(after[0]).isEqualTo(1_000);
        assertThat(after[1]).isLessThanOrEqualTo(4 * 1_024);
        loop.close();
    }

    @Test
    void timer_burstThenCancelAll_heapGivesMemoryBack() {
        EventLoop loop = EventLoop.create();

        int capacity = loop.runUntilComplete(l -> {
            List<TimerHandle> burst = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                burst.add(l.callLater(Duration.ofHours(1), () -> {}));
            }
            burst.forEach(TimerHandle::cancel);
            return CompletableFuture.completedFuture(Internals.timerHeapCapacity(l));
        });

        assertThat(capacity).isLessThanOrEqualTo(128);
        loop.close();
    }
}
