package io.loopbridge;

import java.util.concurrent.CancellationException;

/**
 * A call was cancelled because its bridge was closed while the call was in flight (the application is
 * shutting down, or the bridge was replaced). A {@link CancellationException}, so code that handles
 * cancellation in general still does; a web layer answers it as 503 with {@code Retry-After}: another
 * instance, or this one after a restart, can serve the retry. The cause, when there is one, is the
 * cancellation or interruption the close caused on the loop.
 */
public class BridgeClosedException extends CancellationException {
    private static final long serialVersionUID = 1L;

    public BridgeClosedException(String message, Throwable cause) {
        super(message);
        initCause(cause);
    }
}
