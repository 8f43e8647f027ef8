package io.loopbridge;

/**
 * A mutual-exclusion lock for async code on one loop (asyncio's {@code Lock}): not reentrant, no
 * owner, FIFO waiters; a waiter cancelled while waiting never takes the lock. Prefer
 * {@link #withLock}, which releases it however the body ends.
 *
 * <p>Threads: the loop thread only (methods throw {@link IllegalStateException} elsewhere).
 */
public final class AsyncLock {
    private final AsyncSemaphore semaphore;

    public AsyncLock(EventLoop loop) {
        this.semaphore = new AsyncSemaphore(loop, 1);
    }

    /** A stage that completes once the caller holds the lock. */
    public LoopFuture<Void> acquire() {
        return semaphore.acquire();
    }

    public boolean tryAcquire() {
        return semaphore.tryAcquire();
    }

    /**
     * Releases the lock (to the longest live waiter, if any).
     *
     * @throws IllegalStateException if the lock is not held
     */
    public void release() {
        if (!isLocked()) {
            throw new IllegalStateException("AsyncLock.release: the lock is not held");
        }
        semaphore.release();
    }

    DefaultEventLoop loop() {
        return semaphore.loop();
    }

    public boolean isLocked() {
        return semaphore.availablePermits() == 0;
    }

    /** Runs {@code body} holding the lock, and releases it when the body's stage completes. */
    public <T> LoopFuture<T> withLock(AsyncCallable<T> body) {
        return semaphore.withPermit(body);
    }
}
