package io.loopbridge;

import java.util.ArrayList;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The stage {@link AsyncQueue#take} (and a waiting {@link AsyncQueue#put}) returns: its item (or granted
 * slot) becomes final only when a consumer actually gets it. It tracks the stages derived from it; once every one of them was cancelled before its callback
 * ran (a task cancelled between the hand-off and its continuation), the item goes back to the queue
 * ({@code giveBack}: the next live taker, or the head of the queue; for a put, the item comes back out). An item read directly
 * ({@code join}, {@code getNow}), a callback registered inline (a task awaiting this stage) or any
 * derived stage that completed other than by cancellation makes it final.
 *
 * <p>Threads: completed and decided on the loop thread; derived stages may be cancelled from any
 * thread (the decision is then handed to the loop).
 */
final class Handoff<T> extends LoopFuture<T> {
    private final Consumer<T> giveBack;
    /** The stages derived from this one; null until the first. Loop thread. */
    private ArrayList<LoopFuture<?>> derived;
    /** True once the item is final or given back. Set on the loop thread, or by a stage derived elsewhere. */
    private volatile boolean decided;

    Handoff(DefaultEventLoop loop, Consumer<T> giveBack) {
        super(loop);
        this.giveBack = giveBack;
    }

    @Override
    public <U> LoopFuture<U> newIncompleteFuture() {
        LoopFuture<U> dependent = super.newIncompleteFuture();
        if (loop.inLoopThread()) { // a stage derived on another thread is not tracked: the item is final for it
            if (derived == null) {
                derived = new ArrayList<>(1);
            }
            derived.add(dependent);
        } else {
            decided = true;
        }
        return dependent;
    }

    @Override
    public Executor defaultExecutor() {
        Executor callbacks = super.defaultExecutor();
        return command -> callbacks.execute(() -> {
            command.run();
            decide();
        });
    }

    /** A cancel after the hand-off (propagated from a derived stage) may leave the item unclaimed. */
    @Override
    boolean cancelWith(CancellationException cancellation) {
        if (super.cancelWith(cancellation)) {
            return true;
        }
        if (loop.isClosed()) { // close() cancelling the loop's tasks: no loop thread runs any more
            decide();
        } else {
            loop.runOnLoop(this::decide, null);
        }
        return false;
    }

    /**
     * Makes the item final if a derived stage completed other than by cancellation, or gives it back if
     * every derived stage was cancelled; waits while some are pending. Loop thread.
     */
    private void decide() {
        if (decided || derived == null || !isDone() || isCompletedExceptionally()) {
            return;
        }
        for (LoopFuture<?> stage : derived) {
            if (!stage.isDone()) {
                return;
            }
            if (!stage.isCancelled()) {
                decided = true;
                return;
            }
        }
        decided = true;
        giveBack.accept(resultNow());
    }
}
