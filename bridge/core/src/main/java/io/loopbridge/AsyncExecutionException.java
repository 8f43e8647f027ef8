package io.loopbridge;

/**
 * Unchecked carrier for a checked exception thrown by async code (or for an
 * {@link InterruptedException} of a waiting caller). The original is the {@link #getCause() cause}.
 * Unchecked exceptions are never wrapped: a {@code RuntimeException} of the body reaches the
 * caller as the same instance.
 */
public class AsyncExecutionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AsyncExecutionException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The rethrow rule of every blocking entry point ({@code runUntilComplete}, {@code LoopManager.run},
     * a bridge's {@code run}): returns {@code failure} itself when it is a {@code RuntimeException}
     * (for the caller to throw), throws it when it is an {@code Error}, and otherwise returns it
     * wrapped, with a message naming {@code source} ("async code of bridge 'api'").
     */
    static RuntimeException rethrow(Throwable failure, String source) {
        if (failure instanceof RuntimeException re) {
            return re;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new AsyncExecutionException(source + " failed with " + failure, failure);
    }
}
