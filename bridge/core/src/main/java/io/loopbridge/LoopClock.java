package io.loopbridge;

/**
 * The monotonic time source of an event loop, in nanoseconds with an arbitrary origin (as
 * {@link System#nanoTime()}). Injectable so that tests can use a fake clock; a loop using a fake
 * clock must be woken ({@link EventLoop#callSoonThreadsafe}) after the clock is advanced.
 *
 * <p>Threads: called on the loop thread, and by any thread scheduling a timer.
 */
@FunctionalInterface
public interface LoopClock {
    long nanoTime();

    /** {@link System#nanoTime()}. */
    static LoopClock system() {
        return System::nanoTime;
    }
}
