package io.loopbridge;

/**
 * A blocking entry (a bridge {@code run}, {@link LoopManager#run}, a {@code get}/{@code join} of an
 * unfinished loop future) was made on a thread that is running an event loop. Blocking there would
 * stall the loop or deadlock it, so loopbridge refuses at once instead. The message names the
 * thread, the loop running on it, and the fix: return or compose the {@code CompletionStage} (or
 * use {@code submit}) instead of blocking.
 */
public class NestedLoopException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NestedLoopException(String message) {
        super(message);
    }

    /** The refusal for {@code what} (for example "LoopBridge.run") on the current thread running {@code loop}. */
    static NestedLoopException refuse(String what, EventLoop loop) {
        return new NestedLoopException(what + " called on thread '" + Thread.currentThread().getName()
                + "', which is running event loop '" + loop.name()
                + "': blocking here would stall or deadlock that loop. Fix: return/compose the"
                + " CompletionStage (thenCompose, loop.await) or use submit(), instead of blocking.");
    }
}
