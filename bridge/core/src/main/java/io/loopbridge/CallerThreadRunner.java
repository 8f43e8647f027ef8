package io.loopbridge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link BridgeMode#PER_CALL}: {@code run} creates, runs and closes a fresh loop on the caller's own
 * thread (no thread hop; a loop timer enforces the timeout, so a callback stuck in a blocking call holds
 * the caller past it); {@code submit} runs the call on a worker, as PER_CALL_POOLED does.
 *
 * <p>Threads: {@link #run} on the caller's thread, which is the loop thread for the call; close() on
 * the closing thread cancels the runs in progress on their callers' threads.
 */
final class CallerThreadRunner extends WorkerPoolRunner {
    /**
     * Each caller thread's slot, holding its {@code run} in progress (null between runs), for close()
     * to cancel. A slot lives in its thread's thread-local map and is held here weakly: it goes with its
     * thread. A JDK type, so an idle slot pins none of the web app's classes to a container thread. A
     * thread's first run makes its slot (a lock, a weak-map entry): with a new thread per request
     * (virtual threads, say) every run pays that.
     */
    private final Set<AtomicReference<BridgeCall<?>>> callerSlots = Collections.newSetFromMap(new WeakHashMap<>());
    private final ThreadLocal<AtomicReference<BridgeCall<?>>> callerSlot = ThreadLocal.withInitial(this::newCallerSlot);

    CallerThreadRunner(LoopBridge bridge, Integer poolSize) {
        super(bridge, poolSize);
    }

    /**
     * Runs the call on a fresh loop on this thread, in the thread's slot for close() to cancel (a thread
     * runs one at a time: a nested run is refused). The slot is written first, then {@code closed} read;
     * close() writes {@code closed} first, then reads the slots: a close() that began meanwhile either
     * finds the call or is seen here. Its body starts on this thread, so no loop lag is recorded.
     */
    @Override
    <T> T run(AsyncCallable<T> body, Duration timeout) {
        BridgeCall<T> call = new BridgeCall<>(bridge, this, body, null, timeout);
        AtomicReference<BridgeCall<?>> slot = callerSlot.get();
        BridgeCall<?> previous = slot.getAndSet(call);
        try {
            if (bridge.isClosed()) {
                call.cancel(new CancellationException("bridge '" + bridge.name() + "' was closed as the call started"));
            }
            call.runOnFreshLoop(body, task -> startTimed(call, task)); // returns at once if cancelled
        } finally {
            slot.set(previous);
        }
        return call.valueOrThrow(false);
    }

    /** Arms the call's timeout on its own loop, then attaches the task. Loop (= caller) thread. */
    private static <T> void startTimed(BridgeCall<T> call, Task<T> task) {
        task.loop.callLater(call.timeout, call::expire); // cleared with the loop; a no-op once the call ended
        call.attach(task);
    }

    /** Cancels the runs in progress on their callers' threads (each then ends there), then the workers. */
    @Override
    void close(Duration grace) throws InterruptedException {
        List<AtomicReference<BridgeCall<?>>> slots;
        synchronized (callerSlots) {
            slots = new ArrayList<>(callerSlots);
        }
        for (AtomicReference<BridgeCall<?>> slot : slots) {
            BridgeCall<?> call = slot.get();
            if (call != null) {
                call.cancel(new CancellationException("bridge '" + bridge.name() + "' was closed"));
            }
        }
        super.close(grace);
    }

    /** The calling thread's slot, made on its first run. */
    private AtomicReference<BridgeCall<?>> newCallerSlot() {
        AtomicReference<BridgeCall<?>> slot = new AtomicReference<>();
        synchronized (callerSlots) {
            callerSlots.add(slot);
        }
        return slot;
    }
}
