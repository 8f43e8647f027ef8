package io.loopbridge;

import io.loopbridge.internal.Checks;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * A condition variable for async code on one loop (asyncio's {@code Condition}), over an
 * {@link AsyncLock}: {@link #await()} releases the lock, waits for a {@link #signal(int) signal},
 * and completes only once the lock is held again. Waiters are woken FIFO; a waiter cancelled before
 * it is signalled never takes a signal with it.
 *
 * <p>Cancellation, as asyncio: cancelling the stage of {@link #await()} or {@link #waitFor} stops
 * the wait, but the stage completes (with {@link CancellationException}) only after the lock is
 * reacquired, so the code after it, typically a {@link AsyncLock#withLock} block, always holds the
 * lock. {@code cancel} therefore returns true while the stage may still be pending. A waiter that
 * was signalled and then cancelled before it resumed passes the signal on to the next waiter.
 * (CPython 3.13 passes one on after any cancelled wait, a spurious wake-up; here only a signal
 * actually taken is passed on.)
 *
 * <p>{@code signal} and {@code signalAll} are asyncio's {@code notify} and {@code notify_all}
 * ({@link Object#notifyAll()} is final).
 *
 * <p>Threads: the loop thread only (methods throw {@link IllegalStateException} elsewhere); the
 * stages' {@code cancel} may be called from any thread.
 */
public final class AsyncCondition {
    private final DefaultEventLoop loop;
    private final AsyncLock lock;
    private final Waiters<Void> waiters;

    /** A condition over a new lock of {@code loop}. Any thread may construct it. */
    public AsyncCondition(EventLoop loop) {
        this(new AsyncLock(loop));
    }

    /** A condition over {@code lock} (several conditions may share one). Any thread may construct it. */
    public AsyncCondition(AsyncLock lock) {
        this.lock = Checks.notNull(lock, "lock");
        this.loop = lock.loop();
        this.waiters = new Waiters<>(loop);
    }

    /** The lock this condition releases and reacquires. */
    public AsyncLock lock() {
        return lock;
    }

    /**
     * Releases the lock, waits for a signal and reacquires the lock; the stage completes once the
     * lock is held again. Loop thread only; the caller must hold the lock.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public LoopFuture<Void> await() {
        checkHeld("AsyncCondition.await");
        Wait wait = new Wait(null);
        wait.sleep();
        return wait;
    }

    /**
     * Waits (as {@link #await()}) until {@code predicate} is true: it is checked now and after each
     * wake-up, on the loop thread, holding the lock. The stage completes holding the lock, or fails
     * with what the predicate threw (still holding it). Loop thread only; the caller must hold the lock.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public LoopFuture<Void> waitFor(BooleanSupplier predicate) {
        Checks.notNull(predicate, "predicate");
        checkHeld("AsyncCondition.waitFor");
        Wait wait = new Wait(predicate);
        if (predicate.getAsBoolean()) {
            wait.complete(null);
        } else {
            wait.sleep();
        }
        return wait;
    }

    /**
     * Wakes up to {@code n} of the longest-waiting live waiters (asyncio's {@code notify(n)}); each
     * resumes once it gets the lock. Loop thread only; the caller must hold the lock.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException if the lock is not held
     */
    public void signal(int n) {
        Checks.nonNegative(n, "n");
        checkHeld("AsyncCondition.signal");
        for (int i = 0; i < n && waiters.wakeFirst(null); i++) {
            // each call wakes one
        }
    }

    /** Wakes every waiter (asyncio's {@code notify_all}). Loop thread only; the caller must hold the lock. */
    public void signalAll() {
        checkHeld("AsyncCondition.signalAll");
        waiters.wakeAll(null);
    }

    private void checkHeld(String what) {
        Waiters.checkLoopThread(loop, what);
        if (!lock.isLocked()) {
            throw new IllegalStateException(what + ": the condition's lock is not held (loop '" + loop.name()
                    + "'): call it inside lock().withLock(...) or after lock().acquire()");
        }
    }

    /**
     * One wait: released lock, a place in the line, the lock again; with a predicate, repeated until
     * it holds. Loop thread, except {@link #cancel}.
     */
    private final class Wait extends LoopFuture<Void> {
        private final BooleanSupplier predicate;
        /** The current place in the line; written on the loop thread, read by {@link #cancel}. */
        private volatile LoopFuture<Void> place;
        private volatile boolean cancelRequested;

        Wait(BooleanSupplier predicate) {
            super(AsyncCondition.this.loop);
            this.predicate = predicate;
        }

        void sleep() {
            LoopFuture<Void> next = waiters.add();
            place = next;
            lock.release();
            if (cancelRequested) { // cancel ran before place was set
                next.cancel(false);
            }
            next.whenComplete((v, e) -> lock.acquire().whenComplete((held, f) -> resume(e == null)));
        }

        private void resume(boolean signalled) {
            if (cancelRequested) {
                if (signalled) {
                    waiters.wakeFirst(null);
                }
                cancelWith(new CancellationException("cancelled: wait on " + AsyncCondition.this));
                return;
            }
            boolean ready;
            try {
                ready = predicate == null || predicate.getAsBoolean();
            } catch (Throwable t) {
                completeExceptionally(t);
                return;
            }
            if (ready) {
                complete(null);
            } else {
                sleep();
            }
        }

        /** Stops the wait; the stage completes cancelled once the lock is held again. Any thread. */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (isDone()) {
                return false;
            }
            cancelRequested = true;
            LoopFuture<Void> current = place;
            if (current != null) {
                current.cancel(false);
            }
            return true;
        }
    }

    @Override
    public String toString() {
        return "AsyncCondition[locked=" + lock.isLocked() + ", loop " + loop.name() + "]";
    }
}
