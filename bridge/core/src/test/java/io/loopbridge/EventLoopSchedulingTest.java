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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Contract, Loop: callSoon is FIFO and iteration-bounded; callSoonThreadsafe wakes an idle loop at once. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopSchedulingTest {

    // ------------------------------------------------------------------ callSoon

    @Test
    void callSoon_fromLoopThread_runsCallbacksInFifoOrder() {
        EventLoop loop = EventLoop.create();
        List<Integer> order = new ArrayList<>();

        loop.runUntilComplete(l -> {
            for (int i = 0; i < 100; i++) {
                int n = i;
                l.callSoon(() -> order.add(n));
            }
            LoopFuture<Void> done = l.createFuture();
            l.callSoon(() -> done.complete(null));
            return done;
        });

        assertThat(order).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
        loop.close();
    }

    @Test
    void callSoon_fromAnotherThread_runsCallbacksInSubmissionOrder() throws Exception {
        EventLoop loop = EventLoop.create();
        List<Integer> order = new ArrayList<>(); // touched on the loop thread only
        CountDownLatch all = new CountDownLatch(10_000);
        try (LoopThread lt = LoopThread.start(loop)) {
            for (int i = 0; i < 10_000; i++) {
                int n = i;
                loop.callSoon(() -> {
                    order.add(n);
                    all.countDown();
                });
            }
            assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(lt.call(() -> List.copyOf(order)))
                    .containsExactlyElementsOf(IntStream.range(0, 10_000).boxed().toList());
        }
    }

    @Test
    void callSoon_scheduledDuringIteration_runsAfterCallbacksAlreadyQueued() {
        EventLoop loop = EventLoop.create();
        List<String> order = new ArrayList<>();

        loop.runUntilComplete(l -> {
            LoopFuture<Void> done = l.createFuture();
            l.callSoon(() -> {
                order.add("a");
                l.callSoon(() -> {
                    order.add("d");
                    done.complete(null);
                });
            });
            l.callSoon(() -> order.add("b"));
            l.callSoon(() -> order.add("c"));
            return done;
        });

        assertThat(order).containsExactly("a", "b", "c", "d");
        loop.close();
    }

    @Test
    void callSoon_scheduledDuringIteration_runsInNextIteration() {
        // A callback that reschedules itself forever must not keep one iteration going: stop() takes
        // effect at the end of the iteration, so runForever returns after exactly one run of it.
        EventLoop loop = EventLoop.create();
        AtomicInteger spins = new AtomicInteger();
        Runnable spinner = new Runnable() {
            @Override
            public void run() {
                spins.incrementAndGet();
                loop.callSoon(this);
            }
        };
        loop.callSoon(spinner);
        loop.callSoon(loop::stop);

        loop.runForever();

        assertThat(spins).hasValue(1);
        loop.close();
    }

    @Test
    void callSoon_selfReschedulingCallback_doesNotStarveDueTimer() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        AtomicInteger spinsWhenTimerFired = new AtomicInteger(-1);
        AtomicInteger spins = new AtomicInteger();

        loop.runUntilComplete(l -> {
            LoopFuture<Void> done = l.createFuture();
            l.callLater(Duration.ZERO, () -> {
                spinsWhenTimerFired.set(spins.get());
                done.complete(null);
            });
            l.callSoon(new Runnable() {
                @Override
                public void run() {
                    spins.incrementAndGet();
                    if (!done.isDone()) {
                        l.callSoon(this);
                    }
                }
            });
            return done;
        });

        assertThat(spinsWhenTimerFired.get()).isBetween(0, 1);
        loop.close();
    }

    @Test
    void execute_runsCommandOnLoopThreadLikeCallSoon() {
        EventLoop loop = EventLoop.create();

        Thread ranOn = loop.runUntilComplete(l -> {
            CompletableFuture<Thread> thread = new CompletableFuture<>();
            l.execute(() -> thread.complete(Thread.currentThread()));
            return l.await(thread);
        });

        assertThat(ranOn).isSameAs(Thread.currentThread());
        loop.close();
    }

    // ------------------------------------------------------------------ callSoonThreadsafe

    @Test
    void callSoonThreadsafe_idleLoopWithoutTimers_parksInsteadOfPolling() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            // WAITING (not TIMED_WAITING, not RUNNABLE): parked with no timeout, so nothing polls.
            await().atMost(Duration.ofSeconds(5)).until(() -> lt.thread.getState() == Thread.State.WAITING
                    && java.util.concurrent.locks.LockSupport.getBlocker(lt.thread) == loop);
        }
    }

    @Test
    void callSoonThreadsafe_fromAnotherThread_wakesIdleLoopPromptly() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> lt.thread.getState() == Thread.State.WAITING);
            CountDownLatch ran = new CountDownLatch(1);
            AtomicInteger ranOnLoopThread = new AtomicInteger();

            loop.callSoonThreadsafe(() -> {
                if (Thread.currentThread() == lt.thread) {
                    ranOnLoopThread.incrementAndGet();
                }
                ran.countDown();
            });

            assertThat(ran.await(2, TimeUnit.SECONDS)).as("idle loop woke up").isTrue();
            assertThat(ranOnLoopThread).hasValue(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> lt.thread.getState() == Thread.State.WAITING);
        }
    }

    @Test
    void callSoonThreadsafe_loopParkedOnFarTimer_wakesPromptly() throws Exception {
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            lt.run(() -> loop.callLater(Duration.ofHours(1), () -> {}));
            await().atMost(Duration.ofSeconds(5)).until(() -> lt.thread.getState() == Thread.State.TIMED_WAITING);
            CountDownLatch ran = new CountDownLatch(1);

            loop.callSoonThreadsafe(ran::countDown);

            assertThat(ran.await(2, TimeUnit.SECONDS)).as("loop parked on a timer woke up").isTrue();
        }
    }

    @Test
    void callSoonThreadsafe_pingPongWithIdleLoop_neverLosesAWakeUp() throws Exception {
        // Each callback is submitted only once the loop has gone idle again, so each one depends on
        // the wake-up; a lost unpark would leave the loop parked and fail the wait below.
        EventLoop loop = EventLoop.create();
        try (LoopThread lt = LoopThread.start(loop)) {
            for (int i = 0; i < 5_000; i++) {
                CountDownLatch ran = new CountDownLatch(1);
                loop.callSoonThreadsafe(ran::countDown);
                assertThat(ran.await(5, TimeUnit.SECONDS)).as("round trip %d", i).isTrue();
            }
        }
    }

    @Test
    void callSoonThreadsafe_fromManyThreads_runsEveryCallbackOnLoopThread() throws Exception {
        EventLoop loop = EventLoop.create();
        int producers = 4;
        int perProducer = 20_000;
        AtomicInteger onLoop = new AtomicInteger();
        ConcurrentLinkedQueue<Thread> offLoop = new ConcurrentLinkedQueue<>();
        CountDownLatch all = new CountDownLatch(producers * perProducer);
        try (LoopThread lt = LoopThread.start(loop)) {
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Thread t = new Thread(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        loop.callSoonThreadsafe(() -> {
                            if (Thread.currentThread() == lt.thread) {
                                onLoop.incrementAndGet();
                            } else {
                                offLoop.add(Thread.currentThread());
                            }
                            all.countDown();
                        });
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(5_000);
            }

            assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(onLoop).hasValue(producers * perProducer);
            assertThat(offLoop).isEmpty();
        }
    }

    @Test
    void callSoonThreadsafe_fromOneThread_preservesSubmissionOrder() throws Exception {
        EventLoop loop = EventLoop.create();
        List<Integer> order = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(1_000);
        try (LoopThread lt = LoopThread.start(loop)) {
            Thread producer = new Thread(() -> {
                for (int i = 0; i < 1_000; i++) {
                    int n = i;
                    loop.callSoonThreadsafe(() -> {
                        order.add(n);
                        all.countDown();
                    });
                }
            });
            producer.start();
            assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(lt.call(() -> List.copyOf(order)))
                    .containsExactlyElementsOf(IntStream.range(0, 1_000).boxed().toList());
        }
    }
}
