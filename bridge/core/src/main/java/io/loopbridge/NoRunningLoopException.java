package io.loopbridge;

/** {@link LoopManager#running()} was called on a thread that is not running an event loop. */
public class NoRunningLoopException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NoRunningLoopException(String message) {
        super(message);
    }
}
