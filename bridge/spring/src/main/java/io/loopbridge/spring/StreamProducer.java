package io.loopbridge.spring;

import io.loopbridge.AsyncQueue;
import io.loopbridge.EventLoop;
import java.util.concurrent.CompletionStage;

/**
 * Async code that produces the items of a stream into a bounded {@link AsyncQueue}, for
 * {@link LoopStreams#pipe}: it awaits {@code queue.put(item)} for each item (so a slow client slows it
 * down) and returns a stage that completes when the stream is over.
 *
 * <pre>{@code
 * StreamProducer<String> producer = (loop, queue) -> ticks(loop, queue, 0, 10);
 *
 * static CompletionStage<Void> ticks(EventLoop loop, AsyncQueue<String> queue, int i, int n) {
 *     if (i == n) {
 *         return CompletableFuture.completedFuture(null);
 *     }
 *     return loop.sleep(Duration.ofMillis(100))
 *             .thenCompose(v -> queue.put("tick " + i))          // waits while the client is behind
 *             .thenCompose(v -> ticks(loop, queue, i + 1, n));
 * }
 * }</pre>
 *
 * <p>Threads: {@link #produce} and everything it composes run on the loop thread of the bridge call;
 * it must not block (see {@link io.loopbridge.AsyncCallable}). When the stream is abandoned (the client
 * went away, the emitter timed out, the bridge call timed out) its task is cancelled, and so is the
 * {@code put} or {@code sleep} it is waiting on.
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface StreamProducer<T> {

    /**
     * Starts producing on {@code loop}'s thread.
     *
     * @param loop the loop running the stream
     * @param queue where to {@code put} each item; bounded, so {@code put} waits while the client is behind
     * @return a stage completing when the last item has been put (or failing to end the stream with an error)
     * @throws Exception a failure before any stage exists, treated as the stream's failure
     */
    CompletionStage<?> produce(EventLoop loop, AsyncQueue<T> queue) throws Exception;
}
