package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: AsyncSemaphore, AsyncLock, AsyncEvent, AsyncQueue (bounded): FIFO waiters; a
 * cancelled waiter never leaks a permit or an item.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PrimitivesTest {

    /**
     * Runs {@code body} on a fresh loop and returns its value ten iterations later, so that the
     * callbacks it started (each hand-off takes one iteration) have settled.
     */
    private static <T> T onLoop(Function<EventLoop, T> body) {
        EventLoop loop = EventLoop.create();
        try {
            return loop.runUntilComplete(l -> {
                T value = body.apply(l);
                LoopFuture<T> done = l.createFuture();
                l.callSoon(new Runnable() {
                    int iterations;

                    @Override
                    public void run() {
                        if (++iterations == 10) {
                            done.complete(value);
                        } else {
                            l.callSoon(this);
                        }
                    }
                });
                return done;
            });
        } finally {
            loop.close();
        }
    }

    /** Adds {@code label} to {@code log} when {@code stage} completes normally. */
    private static void record(CompletionStage<?> stage, List<String> log, String label) {
        stage.thenRun(() -> log.add(label));
    }

    // ------------------------------------------------------------------ AsyncSemaphore

    @Test
    void semaphore_waiters_areServedFifo() {
        List<String> granted = new ArrayList<>();

        onLoop(l -> {
            AsyncSemaphore sem = new AsyncSemaphore(l, 0);
            for (String w : List.of("w1", "w2", "w3")) {
                record(sem.acquire(), granted, w);
            }
            sem.release();
            sem.release();
            sem.release();
            return null;
        });

        assertThat(granted).containsExactly("w1", "w2", "w3");
    }

    @Test
    void semaphore_releaseWithWaiters_wakesOnlyTheLongestWaiting() {
        List<String> granted = new ArrayList<>();

        onLoop(l -> {
            AsyncSemaphore sem = new AsyncSemaphore(l, 0);
            record(sem.acquire(), granted, "w1");
            record(sem.acquire(), granted, "w2");
            sem.release();
            return null;
        });

        assertThat(granted).containsExactly("w1");
    }

    @Test
    void semaphore_cancelledWaiter_neverTakesAPermit() {
        List<String> granted = new ArrayList<>();

        int permitsLeft = onLoop(l -> {
            AsyncSemaphore sem = new AsyncSemaphore(l, 0);
            record(sem.acquire(), granted, "w1");
            LoopFuture<Void> w2 = sem.acquire();
            record(w2, granted, "w2");
            record(sem.acquire(), granted, "w3");
            w2.cancel(false);
            sem.release();
            sem.release();
            sem.release(); // nobody left: the permit goes back to the pool
            return sem.availablePermits();
        });

        assertThat(granted).containsExactly("w1", "w3");
        assertThat(permitsLeft).isEqualTo(1);
    }

    @Test
    void semaphore_onlyWaiterCancelled_releaseReturnsPermitToPool() {
        int permitsLeft = onLoop(l -> {
            AsyncSemaphore sem = new AsyncSemaphore(l, 0);
            sem.acquire().cancel(false);
            sem.release();
            return sem.availablePermits();
        });

        assertThat(permitsLeft).isEqualTo(1);
    }

    @Test
    void semaphore_permitReleasedWhileSomeoneWaits_goesToWaiterNotToNewcomer() {
        List<String> granted = new ArrayList<>();

        onLoop(l -> {
            AsyncSemaphore sem = new AsyncSemaphore(l, 0);
            record(sem.acquire(), granted, "waiting");
            sem.release();         // handed to "waiting", not to the pool
            boolean barged = sem.tryAcquire();
            record(sem.acquire(), granted, "newcomer");
            granted.add("tryAcquire=" + barged);
            return null;
        });

        assertThat(granted).containsExactly("tryAcquire=false", "waiting");
    }

    @Test
    void semaphore_withPermit_releasesWhenBodyFails() {
        int permitsLeft = onLoop(l -> {
            AsyncSemaphore sem = new AsyncSemaphore(l, 1);
            sem.withPermit(in -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
            return sem;
        }).availablePermits();

        assertThat(permitsLeft).isEqualTo(1);
    }

    @Test
    void semaphore_withPermitCancelledWhileWaiting_takesNoPermitAndBodyNeverRuns() {
        AtomicInteger bodyRuns = new AtomicInteger();

        AsyncSemaphore sem = onLoop(l -> {
            AsyncSemaphore s = new AsyncSemaphore(l, 0);
            LoopFuture<String> waiting = s.withPermit(in -> {
                bodyRuns.incrementAndGet();
                return CompletableFuture.completedFuture("ran");
            });
            waiting.cancel(false);
            s.release();
            return s;
        });

        assertThat(bodyRuns).hasValue(0);
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void semaphore_withPermitCancelledWhileBodyRuns_releasesThePermit() {
        EventLoop loop = EventLoop.create();

        int[] permits = loop.runUntilComplete(l -> {
            AsyncSemaphore sem = new AsyncSemaphore(l, 1);
            LoopFuture<Void> running = sem.withPermit(in -> in.sleep(Duration.ofHours(1)));
            int during = sem.availablePermits();
            running.cancel(false);
            return l.sleep(Duration.ZERO).thenApply(x -> new int[] {during, sem.availablePermits()});
        });

        assertThat(permits).containsExactly(0, 1);
        loop.close();
    }

    @Test
    void semaphore_withPermit_boundsConcurrency() {
        EventLoop loop = EventLoop.create();
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();

        loop.runUntilComplete(l -> {
            AsyncSemaphore sem = new AsyncSemaphore(l, 2);
            List<LoopFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                all.add(sem.withPermit(in -> {
                    maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                    return in.sleep(Duration.ofMillis(1)).thenRun(active::decrementAndGet);
                }));
            }
            return l.gather(all);
        });

        assertThat(maxActive).hasValue(2);
        loop.close();
    }

    @Test
    void semaphore_usedOffLoopThread_throwsIllegalStateNamingThreadAndLoop() {
        EventLoop loop = EventLoop.create();
        AsyncSemaphore sem = new AsyncSemaphore(loop, 1);

        assertThatThrownBy(sem::acquire).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Thread.currentThread().getName()).hasMessageContaining(loop.name());
        loop.close();
    }

    /** Regression: withPermit ran the next waiter's body inside release(), one stack frame deeper per waiter. */
    @Test
    void semaphore_withPermitLongLineOfImmediateBodies_doesNotRecurseIntoRelease() {
        int waiters = 20_000;
        Integer done = LoopManager.run(l -> {
            AsyncSemaphore sem = new AsyncSemaphore(l, 1);
            sem.tryAcquire(); // every withPermit below queues
            List<LoopFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                int n = i;
                all.add(sem.withPermit(in -> CompletableFuture.completedFuture(n)));
            }
            sem.release(); // hands the permit down the whole line
            return l.gather(all).thenApply(List::size);
        });
        assertThat(done).isEqualTo(waiters);
    }

    @Test
    void boundedSemaphore_releaseBeyondInitialCount_throwsNamingTheCountAndBound() {
        Throwable thrown = onLoop(l -> {
            AsyncSemaphore sem = AsyncSemaphore.bounded(l, 2);
            sem.tryAcquire();
            sem.release(); // back to 2 free: allowed
            return catchThrowable(sem::release);
        });

        assertThat(thrown).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("free permits would be 3 (expected <= 2");
    }

    @Test
    void boundedSemaphore_releaseWithWaiters_handsThePermitOnAndKeepsTheBound() {
        List<String> granted = new ArrayList<>();

        int[] counts = onLoop(l -> {
            AsyncSemaphore sem = AsyncSemaphore.bounded(l, 1);
            sem.tryAcquire();
            sem.acquire().cancel(false); // a cancelled waiter takes nothing with it
            record(sem.acquire(), granted, "w2");
            sem.release(); // to w2
            int afterHandOff = sem.availablePermits();
            sem.release(); // w2's permit back: 1 free, the bound
            boolean refused = catchThrowable(sem::release) instanceof IllegalStateException;
            return new int[] {afterHandOff, sem.availablePermits(), refused ? 1 : 0};
        });

        assertThat(granted).containsExactly("w2");
        assertThat(counts).containsExactly(0, 1, 1);
    }

    /** Guarded blocks under test: a semaphore of one permit and a lock, each taken with its with-block. */
    static Stream<Arguments> guardedBlocks() {
        Function<EventLoop, Function<AsyncCallable<Object>, LoopFuture<Object>>> semaphore =
                l -> new AsyncSemaphore(l, 1)::withPermit;
        Function<EventLoop, Function<AsyncCallable<Object>, LoopFuture<Object>>> lock =
                l -> new AsyncLock(l)::withLock;
        return Stream.of(Arguments.of("withPermit", semaphore), Arguments.of("withLock", lock));
    }

    /**
     * Regression (issue 11 item 4, CPython test_acquire_no_hang): the holder's stage completes before
     * the permit is handed on, so a holder that cancels the next waiter right after its block keeps
     * that waiter's body from running, and the permit comes back.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("guardedBlocks")
    void withBlock_holderCancelsNextWaiterOnLeaving_waiterBodyNeverRunsAndPermitReturns(String name,
            Function<EventLoop, Function<AsyncCallable<Object>, LoopFuture<Object>>> guarded) {
        AtomicInteger secondBodyRuns = new AtomicInteger();

        AtomicReference<LoopFuture<Object>> third = new AtomicReference<>();

        LoopFuture<Object> second = onLoop(l -> {
            Function<AsyncCallable<Object>, LoopFuture<Object>> block = guarded.apply(l);
            LoopFuture<Object> first = block.apply(in -> in.sleep(Duration.ZERO).thenApply(x -> (Object) "first"));
            LoopFuture<Object> next = block.apply(in -> {
                secondBodyRuns.incrementAndGet();
                return CompletableFuture.completedFuture("second");
            });
            first.thenRun(() -> next.cancel(false));
            next.whenComplete((v, e) -> third.set(block.apply(in -> CompletableFuture.completedFuture("third"))));
            return next;
        });

        assertThat(second).isCancelled();
        assertThat(secondBodyRuns).as("runs of the cancelled next waiter's body").hasValue(0);
        assertThat(third.get()).as("a later block, which needs the permit back").isCompletedWithValue("third");
    }

    // ------------------------------------------------------------------ AsyncLock

    @Test
    void lock_waiters_areServedFifo() {
        List<String> order = new ArrayList<>();

        onLoop(l -> {
            AsyncLock lock = new AsyncLock(l);
            for (String w : List.of("a", "b", "c")) {
                lock.acquire().thenRun(() -> {
                    order.add(w);
                    lock.release();
                });
            }
            return null;
        });

        assertThat(order).containsExactly("a", "b", "c");
    }

    @Test
    void lock_cancelledWaiter_neverTakesTheLock() {
        List<String> order = new ArrayList<>();

        boolean lockedAfter = onLoop(l -> {
            AsyncLock lock = new AsyncLock(l);
            lock.acquire(); // held by us
            LoopFuture<Void> b = lock.acquire();
            record(b, order, "b");
            LoopFuture<Void> c = lock.acquire();
            record(c, order, "c");
            b.cancel(false);
            lock.release(); // to c, skipping cancelled b
            c.thenRun(lock::release);
            return lock;
        }).isLocked();

        assertThat(order).containsExactly("c");
        assertThat(lockedAfter).isFalse();
    }

    @Test
    void lock_withLock_isMutuallyExclusive() {
        EventLoop loop = EventLoop.create();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();

        loop.runUntilComplete(l -> {
            AsyncLock lock = new AsyncLock(l);
            List<LoopFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                all.add(lock.withLock(in -> {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    return in.sleep(Duration.ofMillis(1)).thenRun(inside::decrementAndGet);
                }));
            }
            return l.gather(all);
        });

        assertThat(maxInside).hasValue(1);
        loop.close();
    }

    @Test
    void lock_releaseWhenNotHeld_throwsIllegalState() {
        Throwable refused = onLoop(l -> catchThrowable(() -> new AsyncLock(l).release()));

        assertThat(refused).isInstanceOf(IllegalStateException.class).hasMessageContaining("not held");
    }

    // ------------------------------------------------------------------ AsyncEvent

    @Test
    void event_set_wakesEveryWaiterInFifoOrder() {
        List<String> woken = new ArrayList<>();

        onLoop(l -> {
            AsyncEvent event = new AsyncEvent(l);
            for (String w : List.of("w1", "w2", "w3")) {
                record(event.await(), woken, w);
            }
            event.set();
            return null;
        });

        assertThat(woken).containsExactly("w1", "w2", "w3");
    }

    @Test
    void event_awaitWhileSet_completesAtOnceUntilCleared() {
        boolean[] states = onLoop(l -> {
            AsyncEvent event = new AsyncEvent(l);
            event.set();
            boolean whileSet = event.await().isDone();
            event.clear();
            boolean afterClear = event.await().isDone();
            return new boolean[] {whileSet, afterClear, event.isSet()};
        });

        assertThat(states).containsExactly(true, false, false);
    }

    @Test
    void event_cancelledWaiter_othersAreStillWoken() {
        List<String> woken = new ArrayList<>();

        onLoop(l -> {
            AsyncEvent event = new AsyncEvent(l);
            record(event.await(), woken, "w1");
            event.await().cancel(false);
            record(event.await(), woken, "w3");
            event.set();
            return null;
        });

        assertThat(woken).containsExactly("w1", "w3");
    }

    // ------------------------------------------------------------------ AsyncQueue

    @Test
    void queue_items_comeOutInFifoOrder() {
        List<String> taken = new ArrayList<>();

        onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 10);
            q.put("a");
            q.put("b");
            q.offer("c");
            for (int i = 0; i < 3; i++) {
                q.take().thenAccept(taken::add);
            }
            return null;
        });

        assertThat(taken).containsExactly("a", "b", "c");
    }

    @Test
    void queue_takers_areServedFifo() {
        List<String> got = new ArrayList<>();

        onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 10);
            for (String t : List.of("t1", "t2", "t3")) {
                q.take().thenAccept(item -> got.add(t + "=" + item));
            }
            q.put("a");
            q.put("b");
            q.put("c");
            return null;
        });

        assertThat(got).containsExactly("t1=a", "t2=b", "t3=c");
    }

    @Test
    void queue_putWhileFull_waitsUntilATakeMakesRoom() {
        boolean[] states = onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 2);
            q.put("a");
            q.put("b");
            LoopFuture<Void> third = q.put("c");
            boolean waitedWhileFull = !third.isDone() && q.size() == 2 && !q.offer("d");
            q.poll();
            return new boolean[] {waitedWhileFull, third.isDone(), q.size() == 2};
        });

        assertThat(states).containsExactly(true, true, true);
    }

    @Test
    void queue_putters_areServedFifo() {
        List<String> taken = new ArrayList<>();

        onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 1);
            q.put("first");
            q.put("p1");
            q.put("p2");
            q.put("p3");
            for (int i = 0; i < 4; i++) {
                taken.add(q.poll());
            }
            return null;
        });

        assertThat(taken).containsExactly("first", "p1", "p2", "p3");
    }

    @Test
    void queue_cancelledTaker_neverReceivesAnItem() {
        List<String> got = new ArrayList<>();

        int left = onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 10);
            LoopFuture<String> t1 = q.take();
            t1.thenAccept(item -> got.add("t1=" + item));
            q.take().thenAccept(item -> got.add("t2=" + item));
            t1.cancel(false);
            q.put("a");
            q.put("b"); // no live taker left: stays in the queue
            return q.size();
        });

        assertThat(got).containsExactly("t2=a");
        assertThat(left).isEqualTo(1);
    }

    @Test
    void queue_cancelledPutter_neverAddsItsItem() {
        List<String> taken = new ArrayList<>();

        onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 1);
            q.put("a");
            LoopFuture<Void> cancelled = q.put("b");
            q.put("c");
            cancelled.cancel(false);
            String item;
            while ((item = q.poll()) != null) {
                taken.add(item);
            }
            return null;
        });

        assertThat(taken).containsExactly("a", "c");
    }

    @Test
    void queue_onlyPutterCancelled_roomIsLeftFree() {
        int[] sizes = onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 1);
            q.put("a");
            q.put("b").cancel(false);
            q.poll();
            int afterPoll = q.size();
            boolean accepted = q.offer("c");
            return new int[] {afterPoll, accepted ? 1 : 0, q.size()};
        });

        assertThat(sizes).containsExactly(0, 1, 1);
    }

    @Test
    void queue_usedOffLoopThread_throwsIllegalState() {
        EventLoop loop = EventLoop.create();
        AsyncQueue<String> q = new AsyncQueue<>(loop, 1);

        assertThatThrownBy(q::take).isInstanceOf(IllegalStateException.class).hasMessageContaining(loop.name());
        loop.close();
    }
}
