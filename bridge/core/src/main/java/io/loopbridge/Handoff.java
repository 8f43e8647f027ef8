package io.loopbridge;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The stage {@link AsyncQueue#take} (and a waiting {@link AsyncQueue#put}) returns: its item (or granted
 * slot) becomes final only when a consumer actually gets it. It tracks the stages derived from it on the
 * loop thread; once every one of them was cancelled before its function ran (a task cancelled between
 * the hand-off and its continuation), the item goes back ({@code giveBack}: to the next live taker, or
 * the head of the queue; for a put, the item comes back out). A derived stage that completed other than
 * by cancellation (a callback registered inline, a task awaiting this stage, included), a stage derived
 * on another thread, or no derived stage at all (the item read directly) makes it final.
 *
 * <p>Threads: completed and decided on the loop thread; derived stages may be cancelled from any
 * thread (the decision is then handed to the loop: the item is back in the iteration after the cancel
 * lands there, no callback per stage checks it, which kept the queue's hot path at its old cost).
 */
final class Handoff<T> extends LoopFuture<T> {
    /** A {@code thenCompose} derives two stages (its result and the step that runs the function). */
    private static final int TYPICAL_DERIVED = 2;
    private static final VarHandle GIVE_BACK;

    static {
        try {
            GIVE_BACK = MethodHandles.lookup().findVarHandle(Handoff.class, "giveBack", Consumer.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Where the item goes if no consumer gets it; null once the item is final or given back. Written
     * plainly by the constructor (a volatile write there would fence every take), then read and cleared
     * through {@link #GIVE_BACK} as a volatile: on the loop thread, or by a stage derived elsewhere.
     */
    private Consumer<T> giveBack;
    /**
     * The stages derived from this one, {@code derivedCount} of them, on the loop thread: the first two
     * in fields, further ones in {@code more}. A hand-off then costs 16 bytes more than a plain loop
     * future, and no array in the usual case of one {@code thenCompose}.
     */
    private LoopFuture<?> first;
    private LoopFuture<?> second;
    private LoopFuture<?>[] more;
    private int derivedCount;

    Handoff(DefaultEventLoop loop, Consumer<T> giveBack) {
        super(loop);
        this.giveBack = giveBack;
    }

    @Override
    public <U> LoopFuture<U> newIncompleteFuture() {
        LoopFuture<U> dependent = super.newIncompleteFuture();
        if (!loop.inLoopThread()) { // a stage derived on another thread is not tracked: the item is final for it
            GIVE_BACK.setVolatile(this, null);
            return dependent;
        }
        if (derivedCount == 0) {
            first = dependent;
        } else if (derivedCount == 1) {
            second = dependent;
        } else {
            int at = derivedCount - TYPICAL_DERIVED;
            if (more == null) {
                more = new LoopFuture<?>[TYPICAL_DERIVED];
            } else if (at == more.length) {
                more = Arrays.copyOf(more, at * 2);
            }
            more[at] = dependent;
        }
        derivedCount++;
        return dependent;
    }

    /**
     * Until the function of a {@code thenCompose} runs, cancelling its result cancels its step, so the
     * step too reports that the function never ran (unless the step already ran and relayed).
     */
    @Override
    void composed(LoopFuture<?> result, CompletableFuture<?> step) {
        result.awaitInstead(this, step);
    }

    /**
     * A cancel after the hand-off, propagated from a derived stage, may leave the item unclaimed. Every
     * cancelled derived stage propagates here (a {@code thenCompose} result through its step), so the
     * last one to be cancelled is the one whose {@link #decide} gives the item back.
     */
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
        @SuppressWarnings("unchecked")
        Consumer<T> to = (Consumer<T>) GIVE_BACK.getVolatile(this);
        if (to == null || derivedCount == 0 || !isDone() || isCompletedExceptionally()) {
            return;
        }
        for (int i = 0; i < derivedCount; i++) {
            LoopFuture<?> stage = i == 0 ? first : i == 1 ? second : more[i - TYPICAL_DERIVED];
            if (!stage.isDone()) {
                return;
            }
            if (!stage.isCancelled()) {
                GIVE_BACK.setVolatile(this, null);
                return;
            }
        }
        GIVE_BACK.setVolatile(this, null);
        to.accept(resultNow());
    }
}
