package io.loopbridge;

/**
 * A callback scheduled with {@link EventLoop#callLater} or {@link EventLoop#callAt}.
 *
 * <p>Threads: {@link #cancel()} may be called from any thread; the callback itself runs on the loop
 * thread, never before its deadline.
 */
public interface TimerHandle {
    /**
     * Prevents the callback from running and removes it from the loop's timer queue (from another
     * thread the removal is handed to the loop). Returns false if the callback already ran or was
     * already cancelled.
     */
    boolean cancel();

    boolean isCancelled();

    /** The deadline, in the loop's {@link EventLoop#time()} scale. */
    long when();
}
