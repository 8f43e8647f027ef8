package io.loopbridge;

import io.loopbridge.internal.Failures;
import java.util.concurrent.CancellationException;

/**
 * The outcome of one stage in {@link EventLoop#gatherSettled}: a value or a failure, like the
 * entries Python's {@code asyncio.gather(..., return_exceptions=True)} returns.
 *
 * @param <T> the value type
 */
public sealed interface Outcome<T> {

    /** Completed normally with {@code value} (which may be null). */
    record Success<T>(T value) implements Outcome<T> {}

    /** Completed exceptionally; {@code failure} is unwrapped from {@code CompletionException}. */
    record Failure<T>(Throwable failure) implements Outcome<T> {
        public Failure {
            if (failure == null) {
                throw new NullPointerException("failure must not be null");
            }
        }
    }

    /**
     * The outcome a completed stage reports to {@code handle}: a success with {@code value} when
     * {@code failure} is null, else a failure with {@code failure} unwrapped from
     * {@code CompletionException} and {@code ExecutionException}. Usable as
     * {@code stage.handle(Outcome::of)}, on any thread.
     */
    static <T> Outcome<T> of(T value, Throwable failure) {
        return failure == null ? new Success<>(value) : new Failure<>(unwrap(failure));
    }

    /**
     * The failure a stage really completed with: {@code failure} stripped of the
     * {@code CompletionException} and {@code ExecutionException} wrappers that dependent stages and
     * blocking waits add. Any thread.
     */
    static Throwable unwrap(Throwable failure) {
        return Failures.unwrap(failure);
    }

    default boolean isSuccess() {
        return this instanceof Success;
    }

    default boolean isCancelled() {
        return this instanceof Failure<T> f && f.failure() instanceof CancellationException;
    }

    /** The value, or {@link IllegalStateException} (with the failure as cause) if it failed. */
    default T getOrThrow() {
        if (this instanceof Success<T> s) {
            return s.value();
        }
        Throwable failure = ((Failure<T>) this).failure();
        throw new IllegalStateException("outcome is a failure: " + failure, failure);
    }
}
