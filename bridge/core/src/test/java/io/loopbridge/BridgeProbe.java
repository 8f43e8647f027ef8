package io.loopbridge;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;

/**
 * A body whose stage stays pending until something ends the call, and a record of what happened
 * to that stage on the loop: the test waits for {@link #started}, ends the call (a timeout, an
 * interrupt, a cancel, a close), then checks {@link #stageCancelled()} and waits for
 * {@link #handlerRan}, the stage's completion handler, which runs on the loop thread.
 */
final class BridgeProbe<T> {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch handlerRan = new CountDownLatch(1);
    volatile LoopFuture<T> stage;
    volatile Thread bodyThread;
    volatile String loopName;
    volatile Throwable handlerSaw;
    volatile boolean handlerOnLoopThread;

    /** The body: creates a pending loop future, watches it, returns it. */
    AsyncCallable<T> body() {
        return loop -> {
            LoopFuture<T> s = loop.createFuture();
            s.whenComplete((v, e) -> {
                handlerSaw = e;
                handlerOnLoopThread = loop.inLoopThread();
                handlerRan.countDown();
            });
            stage = s;
            bodyThread = Thread.currentThread();
            loopName = loop.name();
            started.countDown();
            return s;
        };
    }

    void awaitStarted() {
        BridgeFixture.awaitLatch(started);
    }

    boolean stageCancelled() {
        LoopFuture<T> s = stage;
        return s != null && s.isCancelled();
    }

    /** Waits for the stage's handler and returns whether it saw a cancellation, on the loop thread. */
    boolean handlerSawCancellationOnLoop() {
        BridgeFixture.awaitLatch(handlerRan);
        return handlerSaw instanceof CancellationException && handlerOnLoopThread;
    }
}
