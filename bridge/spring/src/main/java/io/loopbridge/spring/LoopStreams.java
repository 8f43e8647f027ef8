package io.loopbridge.spring;

import io.loopbridge.BridgeRejectedException;
import io.loopbridge.LoopBridge;
import io.loopbridge.Outcome;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Streams items produced by async code on a loop to a Spring {@link ResponseBodyEmitter} or
 * {@link SseEmitter}, with backpressure and cancellation (FastAPI's {@code StreamingResponse}, done
 * safely):
 *
 * <pre>{@code
 * @GetMapping(path = "/ticks", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
 * SseEmitter ticks() {
 *     SseEmitter emitter = new SseEmitter(Duration.ofSeconds(30).toMillis());
 *     LoopStreams.pipe(bridge, emitter, 16, (loop, queue) -> ticks(loop, queue, 0, 100));
 *     return emitter;
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Backpressure.</b> The producer awaits {@code queue.put(item)} on a queue of
 *   {@code capacity} items; each item is written by a thread of {@code writeExecutor} (default: the
 *   loop's {@link io.loopbridge.EventLoop#runInExecutor executor for blocking work}), the next one only
 *   after the previous write returned. A slow client blocks the write, the queue fills, the producer
 *   waits: memory stays bounded and the loop thread never blocks.</li>
 *   <li><b>Cancellation.</b> When the emitter times out, the container reports an error, the request
 *   completes, or a write fails (the client went away), the bridge call is cancelled and with it the
 *   producer task and whatever it awaits.</li>
 *   <li><b>Outcome.</b> The emitter is completed when the producer's stage completed and every item was
 *   written; completed with the error when the producer failed or the bridge call failed (for example
 *   with {@code LoopTimeoutException}: the whole stream is one call and must fit the bridge's timeout).
 *   The response is committed by then, so the failure is not answered with a problem: the container ends
 *   the response abnormally ({@link LoopBridgeExceptionHandler}).
 *   An {@link SseEmitter.SseEventBuilder} item sent to an {@code SseEmitter} is written as that event.</li>
 * </ul>
 *
 * <p>Threads: {@code pipe} returns at once on the calling (request) thread; the producer runs on the
 * bridge's loop thread; writes on {@code writeExecutor}; the emitter's completion on the thread that
 * finishes the call, or on the writing thread if a write is in progress then (never blocking the loop).
 */
public final class LoopStreams {
    private LoopStreams() {}

    /** {@link #pipe(LoopBridge, ResponseBodyEmitter, int, Executor, StreamProducer)} writing on the default executor. */
    public static <T> CompletableFuture<Void> pipe(LoopBridge bridge, ResponseBodyEmitter emitter, int capacity,
            StreamProducer<T> producer) {
        return pipe(bridge, emitter, capacity, null, producer);
    }

    /**
     * Starts streaming {@code producer}'s items to {@code emitter} through a queue of {@code capacity}
     * items, as one {@code submit} call of {@code bridge}, and returns that call's future (cancelling it
     * ends the stream). Call it before returning the emitter from the controller.
     *
     * @param writeExecutor where items are written to the client (blocking I/O); null for the default, the
     *     loop's executor for blocking work. That one is shared with {@code runInExecutor}: where blocking
     *     work can fill it, pass an executor of the streams' own, or every write waits behind that work and
     *     a stream can outlive its bridge timeout (the demo's {@code StreamWriters}).
     * @throws BridgeRejectedException if the bridge has {@code maxInFlight} calls in flight (a 503)
     * @throws IllegalStateException if the bridge is closed
     */
    public static <T> CompletableFuture<Void> pipe(LoopBridge bridge, ResponseBodyEmitter emitter, int capacity,
            Executor writeExecutor, StreamProducer<T> producer) {
        Objects.requireNonNull(bridge, "bridge must not be null");
        Objects.requireNonNull(emitter, "emitter must not be null");
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected > 0)");
        }
        Objects.requireNonNull(producer, "producer must not be null");
        EmitterWriter writer = new EmitterWriter(emitter);
        CompletableFuture<Void> call = bridge.submit(
                loop -> new EmitterPump<>(loop, writer, capacity, writeExecutor, producer).start());
        Runnable abandon = () -> {
            writer.abandon();
            call.cancel(true);
        };
        emitter.onTimeout(abandon);
        emitter.onError(error -> abandon.run());
        emitter.onCompletion(abandon); // after a normal end the call is done: a no-op
        call.whenComplete((v, failure) -> {
            Throwable cause = failure == null ? null : Outcome.unwrap(failure);
            writer.complete(cause instanceof CancellationException ? null : cause);
        });
        return call;
    }
}
