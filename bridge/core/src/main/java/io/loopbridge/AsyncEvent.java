package io.loopbridge;

/**
 * A flag async code can wait for (asyncio's {@code Event}): {@link #set()} wakes every waiter, and
 * later {@link #await()}s complete at once until {@link #clear()}.
 *
 * <p>Threads: the loop thread only (methods throw {@link IllegalStateException} elsewhere). From
 * another thread, use {@code loop.callSoonThreadsafe(event::set)}.
 */
public final class AsyncEvent {
    private final DefaultEventLoop loop;
    private final Waiters<Void> waiters;
    private boolean set;

    public AsyncEvent(EventLoop loop) {
        this.loop = Waiters.loopOf(io.loopbridge.internal.Checks.notNull(loop, "loop"));
        this.waiters = new Waiters<>(this.loop);
    }

    /** A stage that completes once the event is set (at once if it is). */
    public LoopFuture<Void> await() {
        Waiters.checkLoopThread(loop, "AsyncEvent.await");
        if (set) {
            LoopFuture<Void> done = new LoopFuture<>(loop);
            done.complete(null);
            return done;
        }
        return waiters.add();
    }

    public void set() {
        Waiters.checkLoopThread(loop, "AsyncEvent.set");
        set = true;
        waiters.wakeAll(null);
    }

    public void clear() {
        Waiters.checkLoopThread(loop, "AsyncEvent.clear");
        set = false;
    }

    public boolean isSet() {
        return set;
    }
}
