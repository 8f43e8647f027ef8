package io.loopbridge;

import java.time.Duration;

/**
 * A bridge call did not complete within its timeout. Its task was cancelled on its loop. In
 * {@link BridgeMode#SHARED} and {@link BridgeMode#PER_CALL_POOLED} the caller gets this on time even
 * if the loop thread is stuck in a callback.
 */
public class LoopTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Duration timeout;

    public LoopTimeoutException(String message, Duration timeout) {
        super(message);
        this.timeout = timeout;
    }

    /** The timeout that expired. */
    public Duration timeout() {
        return timeout;
    }
}
