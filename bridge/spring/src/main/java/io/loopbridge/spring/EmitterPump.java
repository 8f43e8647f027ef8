package io.loopbridge.spring;

import io.loopbridge.AsyncQueue;
import io.loopbridge.EventLoop;
import io.loopbridge.LoopFuture;
import io.loopbridge.Task;
import java.util.concurrent.Executor;

/**
 * The loop side of {@link LoopStreams#pipe}: runs the producer as a task, takes its items from the
 * bounded queue one at a time and hands each to the {@link EmitterWriter} off the loop, taking the
 * next only once the previous was written. {@link #done} completes when the producer finished and
 * every item was written, or fails with the producer's or the writer's failure; however it ends
 * (including by cancellation from outside), the producer and any pending take or write are cancelled.
 *
 * <p>Threads: created and run on the loop thread of the bridge call; every field is touched only there.
 */
final class EmitterPump<T> {
    private final EventLoop loop;
    private final EmitterWriter writer;
    /** Where writes run; null for the loop's default executor of blocking work. */
    private final Executor writeExecutor;
    private final AsyncQueue<T> queue;
    private final Task<?> producer;
    final LoopFuture<Void> done;
    /** The take waiting for the producer's next item, if any. */
    private LoopFuture<T> pendingTake;
    /** The write in progress, if any. */
    private LoopFuture<Void> pendingWrite;

    EmitterPump(EventLoop loop, EmitterWriter writer, int capacity, Executor writeExecutor, StreamProducer<T> body) {
        this.loop = loop;
        this.writer = writer;
        this.writeExecutor = writeExecutor;
        this.queue = new AsyncQueue<>(loop, capacity);
        this.done = loop.createFuture();
        this.producer = loop.createTask("stream-producer", l -> body.produce(l, queue));
        producer.whenComplete((v, e) -> {
            if (pendingTake != null) {
                pendingTake.cancel(false); // wakes step(), which sees the producer done
            }
        });
        done.whenComplete((v, e) -> stop());
    }

    /** Starts pumping; returns {@link #done}. */
    LoopFuture<Void> start() {
        step();
        return done;
    }

    private void step() {
        if (done.isDone()) {
            return;
        }
        T item = queue.poll();
        if (item != null) {
            write(item);
        } else if (producer.isDone()) {
            finish();
        } else {
            LoopFuture<T> take = queue.take();
            pendingTake = take;
            take.whenComplete((next, cancelled) -> {
                pendingTake = null;
                if (cancelled == null) {
                    write(next);
                } else {
                    step();
                }
            });
        }
    }

    private void write(T item) {
        if (done.isDone()) {
            return; // the stream was abandoned while this item was on its way
        }
        LoopFuture<Void> writing = writeExecutor == null
                ? loop.runInExecutor(() -> send(item))
                : loop.runInExecutor(writeExecutor, () -> send(item));
        pendingWrite = writing;
        writing.whenComplete((v, failure) -> {
            pendingWrite = null;
            if (failure == null) {
                step();
            } else {
                done.completeExceptionally(failure);
            }
        });
    }

    private Void send(T item) throws Exception {
        writer.send(item);
        return null;
    }

    /** The producer is done and the queue drained: the stream ends as the producer did. */
    private void finish() {
        if (!producer.isCompletedExceptionally()) {
            done.complete(null);
        } else if (producer.isCancelled()) {
            done.cancel(false);
        } else {
            done.completeExceptionally(producer.exceptionNow());
        }
    }

    private void stop() {
        producer.cancel(false);
        if (pendingTake != null) {
            pendingTake.cancel(false);
        }
        if (pendingWrite != null) {
            pendingWrite.cancel(true); // interrupts a write stuck on a slow client
        }
    }
}
