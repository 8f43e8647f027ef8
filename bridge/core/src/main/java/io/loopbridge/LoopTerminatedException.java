package io.loopbridge;

/**
 * The shared loop that ran a call died (its thread failed, or the loop was stopped by code on it)
 * while the call was in flight. The call failed fast instead of hanging; the next call runs on a new
 * loop thread. The cause, when known, is what ended the loop.
 */
public class LoopTerminatedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public LoopTerminatedException(String message, Throwable cause) {
        super(message, cause);
    }
}
