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
}
