package io.loopbridge.reactive;

import io.loopbridge.AsyncQueue;
import io.loopbridge.EventLoop;
import io.loopbridge.LoopFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Reactive Streams publishers (Reactor's {@code Mono} and {@code Flux}, RxJava's, R2DBC's, a reactive
 * Redis client's) on a loop: awaited, collected, or drained into an {@link AsyncQueue} with
 * backpressure.
 *
 * <pre>{@code
 * String body = bridge.run(l -> LoopPublishers.await(l, webClient.get().uri(url).retrieve().bodyToMono(String.class)));
 * }</pre>
 *
 * <p>The publisher is subscribed on the loop thread when the method is called there (inside a body), or
 * in the loop's next iteration when called from another thread: never before the body runs, so a call
 * that the bridge refuses or that times out while queued sends no downstream request. Cancelling the
 * returned future (a task's cancellation, the bridge's timeout, the bridge closing) cancels the
 * subscription. Signals may come on any thread; they are handled on the loop thread, and every
 * {@code request} and {@code cancel} is made there, one at a time (rule 2.7), but for a cancellation
 * after the loop has closed, made by the thread that cancelled.
 *
 * <p>These are static methods in an artifact of their own, not overloads on {@link EventLoop}: an
 * overload {@code await(Publisher)} would make javac need the Reactive Streams jar on every user's
 * class path, for every call of {@code await}.
 */
public final class LoopPublishers {
    private LoopPublishers() {}

    /**
     * The first value of {@code publisher} (a {@code Mono}'s value; then the subscription is cancelled),
     * {@code null} if it completes empty, or its error as the failure.
     */
    public static <T> LoopFuture<T> await(EventLoop loop, Publisher<T> publisher) {
        return subscribe(loop, publisher, new First<>());
    }

    /** Every value of {@code publisher}, in order, once it completes; its error as the failure. */
    public static <T> LoopFuture<List<T>> collect(EventLoop loop, Publisher<T> publisher) {
        return subscribe(loop, publisher, new All<>());
    }

    /**
     * Puts every value of {@code publisher} into {@code queue}, in order, requesting one value at a
     * time once the one before is in the queue: at most one value beyond the queue's capacity is
     * ever requested (the one waiting for room, as a producer task would hold it), so a fast
     * publisher cannot flood the loop. When the publisher ends, after its last value is in,
     * the queue is {@linkplain AsyncQueue#shutdown shut down} (takers drain it, then get
     * {@code QueueShutDownException}) and the result completes, or fails with the publisher's error.
     * Cancelling the result cancels the subscription and shuts the queue down too; a queue shut down by
     * its consumer cancels the subscription and fails the result.
     */
    public static <T> LoopFuture<Void> drainInto(EventLoop loop, Publisher<T> publisher, AsyncQueue<T> queue) {
        return subscribe(loop, publisher, new IntoQueue<>(Objects.requireNonNull(queue, "queue")));
    }

    private static <T, R> LoopFuture<R> subscribe(EventLoop loop, Publisher<T> publisher, Sink<T, R> sink) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(publisher, "publisher");
        LoopSubscriber<T, R> subscriber = new LoopSubscriber<>(loop, sink);
        if (loop.inLoopThread()) {
            publisher.subscribe(subscriber);
        } else {
            loop.callSoonThreadsafe(() -> {
                if (!subscriber.result.isDone()) {
                    publisher.subscribe(subscriber);
                }
            });
        }
        return subscriber.result;
    }

    /** What the subscriber does with the signals, on the loop thread. */
    private interface Sink<T, R> {
        void start(LoopSubscriber<T, R> s);

        void item(LoopSubscriber<T, R> s, T item);

        /** The publisher ended: normally when {@code failure} is null. */
        void end(LoopSubscriber<T, R> s, Throwable failure);

        /** The result was cancelled; the subscription is cancelled already. */
        default void cancelled() {}
    }

    /**
     * The one subscriber behind the three methods: it moves every signal onto the loop thread and
     * keeps its subscription there. Signals: any thread; state: loop thread.
     */
    private static final class LoopSubscriber<T, R> implements Subscriber<T> {
        final EventLoop loop;
        final Sink<T, R> sink;
        final LoopFuture<R> result;
        private Subscription subscription;
        private boolean ended;

        LoopSubscriber(EventLoop loop, Sink<T, R> sink) {
            this.loop = loop;
            this.sink = sink;
            this.result = loop.createFuture();
        }

        @Override
        public void onSubscribe(Subscription s) {
            Objects.requireNonNull(s, "subscription (rule 2.13)");
            onLoop(() -> {
                if (subscription != null || result.isDone()) {
                    s.cancel(); // a second subscription (rule 2.5), or the result was cancelled meanwhile
                    return;
                }
                subscription = s;
                result.whenCompleteAsync((v, e) -> {
                    if (result.isCancelled()) {
                        cancelUpstream(s);
                    }
                }, Runnable::run);
                sink.start(this);
            }, s);
        }

        @Override
        public void onNext(T item) {
            Objects.requireNonNull(item, "item (rule 2.13)");
            onLoop(() -> {
                if (!ended) {
                    sink.item(this, item);
                }
            }, null);
        }

        @Override
        public void onError(Throwable failure) {
            Objects.requireNonNull(failure, "failure (rule 2.13)");
            onLoop(() -> end(failure), null);
        }

        @Override
        public void onComplete() {
            onLoop(() -> end(null), null);
        }

        private void end(Throwable failure) {
            if (!ended) {
                ended = true;
                sink.end(this, failure);
            }
        }

        void request(long n) {
            if (!ended && !result.isDone()) {
                subscription.request(n);
            }
        }

        /** Stops the publisher: the result is settled, or the sink needs no more. Loop thread. */
        void cancel() {
            ended = true;
            subscription.cancel();
        }

        /** The result was cancelled on some thread: cancel on the loop, or here if the loop is gone. */
        private void cancelUpstream(Subscription s) {
            Runnable cancel = () -> {
                ended = true;
                s.cancel();
                sink.cancelled();
            };
            if (loop.inLoopThread()) {
                cancel.run();
            } else {
                try {
                    loop.callSoonThreadsafe(cancel);
                } catch (RejectedExecutionException closed) {
                    s.cancel();
                }
            }
        }

        /** Runs {@code action} on the loop thread; if the loop has closed, cancels {@code toCancel}. */
        private void onLoop(Runnable action, Subscription toCancel) {
            if (loop.inLoopThread()) {
                action.run();
                return;
            }
            try {
                loop.callSoonThreadsafe(action);
            } catch (RejectedExecutionException closed) {
                Subscription s = toCancel != null ? toCancel : subscription;
                if (s != null) {
                    s.cancel(); // nobody will take these values any more
                }
            }
        }
    }

    /** {@link #await}: the first value, then cancel. */
    private static final class First<T> implements Sink<T, T> {
        @Override
        public void start(LoopSubscriber<T, T> s) {
            s.request(1);
        }

        @Override
        public void item(LoopSubscriber<T, T> s, T item) {
            s.cancel();
            s.result.complete(item);
        }

        @Override
        public void end(LoopSubscriber<T, T> s, Throwable failure) {
            settle(s.result, null, failure);
        }
    }

    /** {@link #collect}: every value. */
    private static final class All<T> implements Sink<T, List<T>> {
        private final List<T> values = new ArrayList<>();

        @Override
        public void start(LoopSubscriber<T, List<T>> s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void item(LoopSubscriber<T, List<T>> s, T item) {
            values.add(item);
        }

        @Override
        public void end(LoopSubscriber<T, List<T>> s, Throwable failure) {
            settle(s.result, List.copyOf(values), failure);
        }
    }

    /** {@link #drainInto}: one value at a time into the queue. */
    private static final class IntoQueue<T> implements Sink<T, Void> {
        private final AsyncQueue<T> queue;
        /** The last put, until its value is in the queue; null when none waits. */
        private LoopFuture<Void> pending;

        IntoQueue(AsyncQueue<T> queue) {
            this.queue = queue;
        }

        @Override
        public void start(LoopSubscriber<T, Void> s) {
            s.request(1);
        }

        @Override
        public void item(LoopSubscriber<T, Void> s, T item) {
            LoopFuture<Void> put = queue.put(item);
            pending = put;
            put.whenComplete((v, refused) -> {
                if (pending == put) {
                    pending = null;
                }
                if (refused != null) { // the consumer shut the queue down: nobody wants more
                    s.cancel();
                    s.result.completeExceptionally(refused);
                } else {
                    s.request(1);
                }
            });
        }

        @Override
        public void end(LoopSubscriber<T, Void> s, Throwable failure) {
            LoopFuture<Void> last = pending;
            if (last == null) {
                close(s, failure);
            } else {
                last.whenComplete((v, e) -> close(s, failure));
            }
        }

        private void close(LoopSubscriber<T, Void> s, Throwable failure) {
            queue.shutdown(false);
            settle(s.result, null, failure);
        }

        @Override
        public void cancelled() {
            queue.shutdown(false);
        }
    }

    private static <R> void settle(LoopFuture<R> result, R value, Throwable failure) {
        if (failure == null) {
            result.complete(value);
        } else {
            result.completeExceptionally(failure);
        }
    }
}
