package io.loopbridge;

/**
 * An {@link AsyncQueue} was shut down ({@link AsyncQueue#shutdown}): it accepts no more items, and a
 * take from it once it is empty fails (asyncio's {@code QueueShutDown}). Thrown by
 * {@link AsyncQueue#offer} and {@link AsyncQueue#poll} on the loop thread, or the failure of the
 * stages {@link AsyncQueue#put} and {@link AsyncQueue#take} return, completed on the loop thread.
 */
public class QueueShutDownException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public QueueShutDownException(String message) {
        super(message);
    }
}
