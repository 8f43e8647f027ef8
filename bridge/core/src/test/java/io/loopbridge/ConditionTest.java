package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: AsyncCondition (asyncio.Condition): await releases the lock and resumes holding it,
 * also when cancelled; FIFO signals; a cancelled waiter never takes a signal, a signalled-then-cancelled
 * one passes it on.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConditionTest {
    /** Bound on a wait that a broken hand-off would leave pending forever (fails instead of hanging). */
    private static final Duration HAND_OFF_BOUND = Duration.ofSeconds(5);

    /** A waiter that, inside the condition's lock, awaits a signal and logs {@code label} when it resumes. */
    private static LoopFuture<Void> waiter(AsyncCondition condition, List<String> log, String label) {
        return condition.lock().withLock(in -> condition.await()
                .thenRun(() -> log.add(label + (condition.lock().isLocked() ? " (locked)" : " (NOT locked)"))));
    }

    @Test
    void await_releasesTheLockWhileWaiting_andResumesHoldingIt() {
        List<String> log = new ArrayList<>();

        boolean lockedAtEnd = LoopManager.run(l -> {
            AsyncCondition condition = new AsyncCondition(l);
            LoopFuture<Void> waiting = waiter(condition, log, "resumed");
            LoopFuture<Void> signaller = condition.lock().withLock(in -> {
                log.add("signaller holds the lock");
                condition.signal(1);
                return CompletableFuture.completedFuture(null);
            });
            return l.gather(List.of(waiting, signaller)).thenApply(x -> condition.lock().isLocked());
        });

        assertThat(log).containsExactly("signaller holds the lock", "resumed (locked)");
        assertThat(lockedAtEnd).isFalse();
    }

    @Test
    void signal_wakesTheLongestWaitingFirst_andOnlyN() {
        List<String> log = new ArrayList<>();
        List<LoopFuture<Void>> waiters = new ArrayList<>();

        LoopManager.run(l -> {
            AsyncCondition condition = new AsyncCondition(l);
            for (String w : List.of("w1", "w2", "w3")) {
                waiters.add(waiter(condition, log, w));
            }
            condition.lock().withLock(in -> {
                condition.signal(2);
                return CompletableFuture.completedFuture(null);
            });
            return l.gather(waiters.subList(0, 2));
        });

        assertThat(log).containsExactly("w1 (locked)", "w2 (locked)");
        assertThat(waiters.get(2)).isNotDone();
    }

    @Test
    void signalAll_wakesEveryWaiterInOrder() {
        List<String> log = new ArrayList<>();

        LoopManager.run(l -> {
            AsyncCondition condition = new AsyncCondition(l);
            List<LoopFuture<Void>> waiters = new ArrayList<>();
            for (String w : List.of("w1", "w2", "w3")) {
                waiters.add(waiter(condition, log, w));
            }
            condition.lock().withLock(in -> {
                condition.signalAll();
                return CompletableFuture.completedFuture(null);
            });
            return l.gather(waiters);
        });

        assertThat(log).containsExactly("w1 (locked)", "w2 (locked)", "w3 (locked)");
    }

    @Test
    void waitFor_waitsAgainUntilThePredicateHolds_checkingItHoldingTheLock() {
        List<String> checks = new ArrayList<>();
        int[] count = {0};

        LoopManager.run(l -> {
            AsyncCondition condition = new AsyncCondition(l);
            AsyncLock lock = condition.lock();
            Runnable increment = () -> lock.withLock(in -> {
                count[0]++;
                condition.signalAll();
                return CompletableFuture.completedFuture(null);
            });
            LoopFuture<Void> waiting = lock.withLock(in -> condition.waitFor(() -> {
                checks.add(count[0] + (lock.isLocked() ? " locked" : " NOT locked"));
                if (count[0] < 2) {
                    l.callSoon(increment); // the next signal comes once this check has failed
                }
                return count[0] >= 2;
            }));
            return l.timeout(waiting, HAND_OFF_BOUND);
        });

        assertThat(checks).containsExactly("0 locked", "1 locked", "2 locked");
    }

    @Test
    void cancelledWait_completesOnlyOnceTheLockIsHeldAgain() {
        List<Boolean> seen = LoopManager.run(l -> {
            AsyncCondition condition = new AsyncCondition(l);
            AsyncLock lock = condition.lock();
            lock.tryAcquire();
            LoopFuture<Void> waiting = condition.await(); // releases the lock
            lock.tryAcquire(); // someone else holds it now
            boolean cancelAccepted = waiting.cancel(false);
            return l.sleep(Duration.ZERO).thenCompose(x -> {
                boolean pendingWhileHeldElsewhere = !waiting.isDone();
                lock.release();
                return waiting.handle((v, e) -> List.of(cancelAccepted, pendingWhileHeldElsewhere,
                        waiting.isCancelled(), lock.isLocked()));
            });
        });

        assertThat(seen).containsExactly(true, true, true, true);
    }

    @Test
    void waiterCancelledBeforeTheSignal_neverTakesIt() {
        List<String> log = new ArrayList<>();

        boolean firstCancelled = LoopManager.run(l -> {
            AsyncCondition condition = new AsyncCondition(l);
            LoopFuture<Void> first = condition.lock().withLock(in -> condition.await());
            LoopFuture<Void> second = waiter(condition, log, "w2");
            return l.sleep(Duration.ZERO).thenCompose(x -> {
                first.cancel(false);
                return condition.lock().withLock(in -> {
                    condition.signal(1);
                    return CompletableFuture.completedFuture(null);
                });
            }).thenCompose(x -> l.timeout(second, HAND_OFF_BOUND)).thenApply(x -> first.isCancelled());
        });

        assertThat(firstCancelled).isTrue();
        assertThat(log).containsExactly("w2 (locked)");
    }

    @Test
    void waiterSignalledThenCancelled_passesTheSignalOn() {
        List<String> log = new ArrayList<>();

        boolean firstCancelled = LoopManager.run(l -> {
            AsyncCondition condition = new AsyncCondition(l);
            AsyncLock lock = condition.lock();
            LoopFuture<Void> first = lock.withLock(in -> condition.await());
            LoopFuture<Void> second = waiter(condition, log, "w2");
            return l.sleep(Duration.ZERO).thenCompose(x -> {
                lock.tryAcquire();
                condition.signal(1); // taken by first
                first.cancel(false); // before first resumed
                lock.release();
                return l.timeout(second, HAND_OFF_BOUND);
            }).thenApply(x -> first.isCancelled());
        });

        assertThat(firstCancelled).isTrue();
        assertThat(log).containsExactly("w2 (locked)");
    }

    @Test
    void awaitOrSignalWithoutTheLock_throwsIllegalStateNamingTheFix() {
        List<Throwable> thrown = LoopManager.run(l -> {
            AsyncCondition condition = new AsyncCondition(l);
            List<Throwable> all = new ArrayList<>();
            for (Runnable call : List.<Runnable>of(condition::await, () -> condition.signal(1),
                    condition::signalAll, () -> condition.waitFor(() -> true))) {
                try {
                    call.run();
                } catch (IllegalStateException e) {
                    all.add(e);
                }
            }
            return CompletableFuture.completedFuture(all);
        });

        assertThat(thrown).hasSize(4).allSatisfy(e -> assertThat(e).hasMessageContaining("lock is not held")
                .hasMessageContaining("withLock"));
        assertThatThrownBy(() -> LoopManager.run(l -> {
            AsyncCondition condition = new AsyncCondition(l);
            condition.lock().tryAcquire();
            condition.signal(-1);
            return CompletableFuture.completedFuture(null);
        })).hasMessageContaining("n: -1 (expected >= 0)");
    }
}
