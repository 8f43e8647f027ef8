package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: AsyncQueue taskDone/join, shutdown(immediate) as asyncio 3.13 (QueueShutDownException),
 * and the LIFO and priority orders of one queue.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueueDrainTest {

    /** Runs {@code body} on the thread of a fresh loop and returns what it returns. */
    private static <T> T onLoop(Function<EventLoop, T> body) {
        EventLoop loop = EventLoop.create();
        try {
            return loop.runUntilComplete(l -> {
                LoopFuture<T> done = l.createFuture();
                done.complete(body.apply(l));
                return done;
            });
        } finally {
            loop.close();
        }
    }

    /** The failure of a finished stage, unwrapped. */
    private static Throwable failureOf(LoopFuture<?> stage) {
        assertThat(stage).isDone();
        return stage.exceptionNow();
    }

    /** Takes every item with poll, in the queue's order. */
    private static <E> List<E> drain(AsyncQueue<E> q) {
        List<E> out = new ArrayList<>();
        for (E e = q.poll(); e != null; e = q.poll()) {
            out.add(e);
        }
        return out;
    }

    @Test
    void join_completesOnlyWhenEveryPutItemIsTakenAndDone() {
        List<Boolean> states = onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 1);
            boolean idleJoinDone = q.join().isDone();
            q.put("a");
            q.put("b"); // waits for room: counted only once admitted
            LoopFuture<Void> joined = q.join();
            q.poll(); // admits b
            q.taskDone();
            boolean afterOne = joined.isDone();
            q.poll();
            q.taskDone();
            return List.of(idleJoinDone, afterOne, joined.isDone());
        });

        assertThat(states).containsExactly(true, false, true);
    }

    @Test
    void join_countsAnItemHandedStraightToAWaitingTaker() {
        List<Boolean> states = onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 1);
            LoopFuture<String> taken = q.take();
            q.offer("a");
            LoopFuture<Void> joined = q.join();
            boolean before = joined.isDone();
            q.taskDone();
            return List.of(taken.isDone(), before, joined.isDone());
        });

        assertThat(states).containsExactly(true, false, true);
    }

    @Test
    void taskDone_moreTimesThanItems_throwsNamingTheCountAndTheFix() {
        onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 1);
            q.offer("a");
            q.poll();
            q.taskDone();
            assertThatThrownBy(q::taskDone)
                    .isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("taskDone() called more times than items were put")
                    .hasMessageContaining("unfinished: 0")
                    .hasMessageContaining("once per item taken");
            return null;
        });
    }

    @Test
    void shutdown_refusesNewItems_failsWaitingPutters_letsQueuedItemsOut() {
        List<Object> seen = onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 1);
            q.put("a");
            LoopFuture<Void> waitingPut = q.put("b");
            q.shutdown(false);
            Throwable refusedOffer = catchIn(() -> q.offer("c"));
            Throwable refusedPut = failureOf(q.put("d"));
            String left = q.take().join();
            Throwable emptyTake = failureOf(q.take());
            Throwable emptyPoll = catchIn(q::poll);
            return List.of(q.isShutdown(), failureOf(waitingPut), refusedOffer, refusedPut, left, emptyTake, emptyPoll);
        });

        assertThat(seen.get(0)).isEqualTo(true);
        assertThat(seen.get(4)).isEqualTo("a"); // b never went in
        for (int i : new int[] {1, 2, 3, 5, 6}) {
            assertThat((Throwable) seen.get(i)).isInstanceOf(QueueShutDownException.class)
                    .hasMessageContaining("is shut down").hasMessageContaining("use a new queue");
        }
    }

    @Test
    void shutdown_failsWaitingTakers() {
        Throwable failure = onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 1);
            LoopFuture<String> waiting = q.take();
            q.shutdown(false);
            return failureOf(waiting);
        });

        assertThat(failure).isInstanceOf(QueueShutDownException.class).hasMessageContaining("AsyncQueue.take");
    }

    @Test
    void shutdownImmediate_drainsTheQueue_andCountsDrainedItemsAsDone() {
        List<Object> seen = onLoop(l -> {
            AsyncQueue<String> q = new AsyncQueue<>(l, 3);
            q.offer("a");
            q.offer("b");
            q.offer("c");
            q.poll(); // a is taken, not yet done
            LoopFuture<Void> joined = q.join();
            q.shutdown(true);
            boolean joinedBeforeA = joined.isDone();
            q.taskDone();
            return List.of(q.size(), joinedBeforeA, joined.isDone(), failureOf(q.take()));
        });

        assertThat(seen.subList(0, 3)).containsExactly(0, false, true);
        assertThat(seen.get(3)).isInstanceOf(QueueShutDownException.class);
    }

    @Test
    void lifoAndPriority_orderTheSameQueueDifferently() {
        List<List<Integer>> orders = onLoop(l -> {
            List<List<Integer>> out = new ArrayList<>();
            for (AsyncQueue<Integer> q : List.of(new AsyncQueue<Integer>(l, 4), AsyncQueue.<Integer>lifo(l, 4),
                    AsyncQueue.priority(l, 4, Comparator.<Integer>reverseOrder()))) {
                for (int i : new int[] {2, 1, 3}) {
                    q.offer(i);
                }
                out.add(drain(q));
            }
            return out;
        });

        assertThat(orders).containsExactly(List.of(2, 1, 3), List.of(3, 1, 2), List.of(3, 2, 1));
    }

    @Test
    void priority_admitsAWaitingPutterInOrder() {
        List<Integer> order = onLoop(l -> {
            AsyncQueue<Integer> q = AsyncQueue.priority(l, 2, Comparator.naturalOrder());
            q.put(5);
            q.put(3);
            q.put(1); // waits
            List<Integer> out = new ArrayList<>();
            out.add(q.poll()); // 3 out, 1 admitted
            out.addAll(drain(q));
            return out;
        });

        assertThat(order).containsExactly(3, 1, 5);
    }

    @Test
    void priority_refusesANullComparator() {
        EventLoop loop = EventLoop.create();
        try {
            assertThatThrownBy(() -> AsyncQueue.priority(loop, 1, null))
                    .isInstanceOf(NullPointerException.class).hasMessage("comparator must not be null");
        } finally {
            loop.close();
        }
    }

    private static Throwable catchIn(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected " + action + " to throw");
    }
}
