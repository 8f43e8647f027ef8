package io.loopbridge;

/**
 * A blocking entry (a bridge {@code run}, {@link LoopManager#run}, a {@code get}/{@code join} of an
 * unfinished loop future) was made on a thread that is running an event loop: loopbridge's, or
 * another framework's (Reactor, Netty, Vert.x, or one a {@link ForeignLoopDetector} recognises). Blocking there would
 * stall the loop or deadlock it, so loopbridge refuses at once instead. The message names the
 * thread, the loop running on it, and the fix: return or compose the {@code CompletionStage} (or
 * use {@code submit}) instead of blocking.
 */
public class NestedLoopException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NestedLoopException(String message) {
        super(message);
    }

    /**
     * The refusal for {@code what} (for example "LoopBridge.run") on the current thread, which runs
     * {@code loop}: an {@link EventLoop}, or the {@link ForeignLoopDetector} of another framework's loop
     * (as {@link LoopGuard#loopOnThisThread()} answers).
     */
    static NestedLoopException refuse(String what, Object loop) {
        String thread = Thread.currentThread().getName();
        if (loop instanceof ForeignLoopDetector foreign) {
            return new NestedLoopException(what + " called on thread '" + thread + "', which runs " + foreign.framework()
                    + "'s event loop: blocking here would stall or deadlock that loop. Fix: " + foreign.fix() + ".");
        }
        return new NestedLoopException(what + " called on thread '" + thread + "', which is running event loop '"
                + ((EventLoop) loop).name() + "': blocking here would stall or deadlock that loop. Fix: return/compose"
                + " the CompletionStage (thenCompose, loop.await) or use submit(), instead of blocking.");
    }
}
