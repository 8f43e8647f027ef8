package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract, Loop: AsyncQueue never loses an item to a consumer cancelled between the hand-off and its
 * continuation: the item goes to the next live taker or back to the head of the queue.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueueCancellationTest {
    /** Iterations left after the last step, so that dispatched callbacks have run. */
    private static final int SETTLE_ITERATIONS = 5;

    /** Runs each step on {@code loop}'s thread in its own later iteration, then lets callbacks settle. */
    @SafeVarargs
    private static void inSteps(EventLoop loop, Consumer<EventLoop>... steps) {
        loop.runUntilComplete(l -> {
            LoopFuture<Void> done = l.createFuture();
            l.callSoon(new Runnable() {
                int next;

                @Override
                public void run() {
                    if (next < steps.length) {
                        steps[next].accept(l);
                    }
                    if (++next == steps.length + SETTLE_ITERATIONS) {
                        done.complete(null);
                    } else {
                        l.callSoon(this);
                    }
                }
            });
            return done;
        });
    }

    /** A task that takes one item and records it as {@code name=item}. */
    private static Task<String> taker(EventLoop l, AsyncQueue<String> q, String name, List<String> got) {
        return l.createTask(name, x -> q.take().thenApply(item -> {
            got.add(name + "=" + item);
            return item;
        }));
    }

    /** The same through {@code thenCompose}, continuing with {@code rest} once it recorded the item. */
    private static Task<String> composingTaker(EventLoop l, AsyncQueue<String> q, String name, List<String> got,
            Function<String, CompletionStage<String>> rest) {
        return l.createTask(name, x -> q.take().thenCompose(item -> {
            got.add(name + "=" + item);
            return rest.apply(item);
        }));
    }

    @ParameterizedTest(name = "composing={0}")
    @ValueSource(booleans = {false, true})
    void takerCancelledAfterTheHandOff_leavesTheItemInTheQueue(boolean composing) {
        List<String> got = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            AsyncQueue<String> q = new AsyncQueue<>(loop, 4);
            List<Task<String>> tasks = new ArrayList<>();
            inSteps(loop,
                    l -> tasks.add(composing ? composingTaker(l, q, "t1", got, CompletableFuture::completedStage)
                            : taker(l, q, "t1", got)),
                    l -> {
                        q.offer("a"); // handed to t1's take
                        tasks.get(0).cancel(false);
                    },
                    l -> {
                        seen.add(tasks.get(0).isCancelled());
                        seen.add(q.poll());
                    });
        }

        assertThat(got).isEmpty();
        assertThat(seen).containsExactly(true, "a");
    }

    @Test
    void composingTakerCancelledAfterItGotTheItem_doesNotRequeueIt() {
        List<String> got = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            AsyncQueue<String> q = new AsyncQueue<>(loop, 4);
            List<Task<String>> tasks = new ArrayList<>();
            inSteps(loop,
                    l -> tasks.add(composingTaker(l, q, "t1", got, item -> l.createFuture())), // still working when cancelled
                    l -> q.offer("a"),
                    l -> tasks.get(0).cancel(false),
                    l -> {
                        seen.add(tasks.get(0).isCancelled());
                        seen.add(q.size());
                    });
        }

        assertThat(got).containsExactly("t1=a");
        assertThat(seen).containsExactly(true, 0);
    }

    /** More continuations of one take than a hand-off keeps in fields, and than its first overflow array holds. */
    private static final int CONTINUATIONS = 5;

    @ParameterizedTest(name = "last continuation outside the cancelled task={0}")
    @ValueSource(booleans = {false, true})
    void takeWithSeveralContinuations_isGivenBackOnlyIfEveryOneWasCancelled(boolean lastOutside) {
        List<String> got = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            AsyncQueue<String> q = new AsyncQueue<>(loop, 4);
            List<Task<?>> tasks = new ArrayList<>();
            inSteps(loop,
                    l -> tasks.add(l.createTask("t1", x -> {
                        LoopFuture<String> take = q.take();
                        List<CompletionStage<String>> continuations = new ArrayList<>();
                        for (int i = 1; i <= CONTINUATIONS; i++) {
                            String name = "c" + i;
                            continuations.add(take.thenApply(item -> {
                                got.add(name + "=" + item);
                                return item;
                            }));
                        }
                        if (lastOutside) {
                            continuations.remove(CONTINUATIONS - 1); // derived, but not awaited by the task
                        }
                        return l.gather(continuations);
                    })),
                    l -> {
                        q.offer("a"); // handed to t1's take
                        tasks.get(0).cancel(false);
                    },
                    l -> {
                        seen.add(tasks.get(0).isCancelled());
                        seen.add(q.size());
                    });
        }

        if (lastOutside) {
            assertThat(got).containsExactly("c" + CONTINUATIONS + "=a");
            assertThat(seen).containsExactly(true, 0);
        } else {
            assertThat(got).isEmpty();
            assertThat(seen).containsExactly(true, 1);
        }
    }

    @Test
    void takerCancelledWhileOthersWait_itemGoesToTheNextLiveTaker() {
        List<String> got = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            AsyncQueue<String> q = new AsyncQueue<>(loop, 4);
            List<Task<String>> tasks = new ArrayList<>();
            inSteps(loop,
                    l -> {
                        for (String name : List.of("t1", "t2", "t3")) {
                            tasks.add(taker(l, q, name, got));
                        }
                    },
                    l -> {
                        q.offer("a"); // t1's
                        q.offer("b"); // t2's
                        tasks.get(0).cancel(false); // a goes on to t3
                    },
                    l -> seen.add(q.size()));
        }

        assertThat(got).containsExactly("t2=b", "t3=a");
        assertThat(seen).containsExactly(0);
    }

    @Test
    void takerCancelledFromAnotherThread_leavesTheItemInTheQueue() {
        List<String> got = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            AsyncQueue<String> q = new AsyncQueue<>(loop, 4);
            List<Task<String>> tasks = new ArrayList<>();
            inSteps(loop,
                    l -> tasks.add(taker(l, q, "t1", got)),
                    l -> {
                        q.offer("a");
                        Thread canceller = new Thread(() -> tasks.get(0).cancel(false), "canceller");
                        canceller.start();
                        joinUninterruptibly(canceller); // the cancel is done before t1's continuation could run
                    },
                    l -> {}, // the decision handed to the loop from the canceller lands in this iteration
                    l -> seen.add(q.poll()));
        }

        assertThat(got).isEmpty();
        assertThat(seen).containsExactly("a");
    }

    @Test
    void loopClosedAfterTheHandOff_cancelsTheTakerAndKeepsTheItem() {
        List<String> got = new ArrayList<>();
        AsyncQueue<String> q;
        Task<String> t1;
        try (EventLoop loop = EventLoop.create()) {
            q = new AsyncQueue<>(loop, 4);
            List<Task<String>> tasks = new ArrayList<>();
            loop.runUntilComplete(l -> {
                tasks.add(taker(l, q, "t1", got));
                return l.sleep(Duration.ZERO).thenRun(() -> q.offer("a")); // t1 started, then handed a
            });
            t1 = tasks.get(0);
        }

        assertThat(t1.isCancelled()).isTrue();
        assertThat(got).isEmpty();
        assertThat(q.size()).isEqualTo(1);
    }

    @Test
    void takerThatGotTheItem_isNotRequeuedByALateCancel() {
        List<String> got = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            AsyncQueue<String> q = new AsyncQueue<>(loop, 4);
            List<Task<String>> tasks = new ArrayList<>();
            inSteps(loop,
                    l -> tasks.add(taker(l, q, "t1", got)),
                    l -> q.offer("a"),
                    l -> { },
                    l -> {
                        tasks.get(0).cancel(false);
                        seen.add(q.size());
                    });
        }

        assertThat(got).containsExactly("t1=a");
        assertThat(seen).containsExactly(0);
    }

    @Test
    void putterCancelledInTheStepItsSlotIsGranted_doesNotAddItsItem() {
        List<String> done = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            AsyncQueue<String> q = new AsyncQueue<>(loop, 1);
            List<Task<Void>> tasks = new ArrayList<>();
            inSteps(loop,
                    l -> {
                        q.offer("a");
                        for (String item : List.of("p1", "p2")) {
                            tasks.add(l.createTask(item, x -> q.put(item).thenRun(() -> done.add(item))));
                        }
                    },
                    l -> {
                        q.poll(); // a out: p1's slot granted
                        tasks.get(0).cancel(false); // before p1's continuation: p1 withdrawn, p2 gets the slot
                    },
                    l -> {
                        seen.add(tasks.get(0).isCancelled());
                        seen.add(q.poll());
                        seen.add(q.size());
                    });
        }

        assertThat(done).containsExactly("p2");
        assertThat(seen).containsExactly(true, "p2", 0);
    }

    private static void joinUninterruptibly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + thread.getName(), e);
        }
    }
}
