package io.loopbridge;

/**
 * Receives what a loop callback threw, so that one failing callback does not kill the loop. The
 * default logs it through SLF4J at ERROR with the loop and the callback named.
 *
 * <p>Threads: called on the loop thread, right after the failing callback. It must not block; if it
 * throws, that is logged and the loop goes on.
 */
@FunctionalInterface
public interface LoopExceptionHandler {
    /**
     * @param loop the loop whose callback failed
     * @param callback a description of the callback (its {@code toString()}, or the task name)
     * @param failure what the callback threw
     */
    void handle(EventLoop loop, String callback, Throwable failure);
}
