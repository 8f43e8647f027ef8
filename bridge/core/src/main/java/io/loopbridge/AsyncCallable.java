package io.loopbridge;

import java.util.concurrent.CompletionStage;

/**
 * "Async code": a function that starts work on an event loop and returns a stage that completes
 * with its result.
 *
 * <p>Threads: {@link #call} runs on the loop thread. Everything the body composes through the loop
 * ({@link EventLoop#sleep}, {@link EventLoop#await}, tasks, {@link EventLoop#gather}, task groups)
 * continues on the loop thread, so state touched only from the body needs no locks. The body must
 * not block: no {@code Thread.sleep}, no blocking I/O, no {@code join()} of an unfinished future.
 * Hand blocking work to {@link EventLoop#runInExecutor}.
 *
 * <pre>{@code
 * AsyncCallable<String> body = loop -> loop.await(http.sendAsync(request, ofString()))
 *         .thenApply(HttpResponse::body);
 * }</pre>
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface AsyncCallable<T> {
    /**
     * Starts the async work on {@code loop}'s thread.
     *
     * @param loop the loop running this body; its thread is the current thread
     * @return the stage completing with the result; never null
     * @throws Exception a failure thrown before any stage exists, treated as the body's failure
     */
    CompletionStage<T> call(EventLoop loop) throws Exception;
}
