package io.loopbridge;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The calls in progress on their callers' threads, for a close() to find and cancel: a fixed array of
 * slots, one claimed by compare-and-set per call, searched from the slot of the caller's thread id
 * (spread, and no random generator to seed on each new virtual thread), and cleared at its end. No lock,
 * no thread-local, no per-thread entry, so a caller on a new virtual thread per call pays two CAS
 * and pins nothing. The array has a slot per admitted call ({@code maxInFlight}) up to
 * {@link #MAX_SLOTS}; beyond that (more calls at once than slots) a call is registered in a
 * lock-free overflow queue instead.
 *
 * <p>Threads: {@link #claim} and {@link #release} on each caller's thread, concurrently;
 * {@link #forEach} on the closing thread. A slot is written (volatile) before the caller reads
 * {@code closed}, which close() writes before it reads the slots: one of the two sees the other.
 */
final class RunSlots {
    /** The most slots an array holds: 16 KB of references. */
    static final int MAX_SLOTS = 4096;
    /** The index {@link #claim} returns for a call it put in the overflow queue. */
    private static final int OVERFLOW = -1;
    private final AtomicReferenceArray<BridgeCall<?>> slots;
    private final Queue<BridgeCall<?>> overflow = new ConcurrentLinkedQueue<>();

    RunSlots(int maxInFlight) {
        this.slots = new AtomicReferenceArray<>(Math.min(Math.max(maxInFlight, 1), MAX_SLOTS));
    }

    /** Puts {@code call} in a free slot and returns its index (for {@link #release}). */
    int claim(BridgeCall<?> call) {
        int n = slots.length();
        int start = (int) (Thread.currentThread().getId() % n); // ids are positive
        for (int i = 0; i < n; i++) {
            int index = (start + i) % n;
            if (slots.get(index) == null && slots.compareAndSet(index, null, call)) {
                return index;
            }
        }
        overflow.add(call);
        return OVERFLOW;
    }

    /** Frees what {@link #claim} took for {@code call}. */
    void release(int index, BridgeCall<?> call) {
        if (index == OVERFLOW) {
            overflow.remove(call);
        } else {
            slots.set(index, null);
        }
    }

    /** Each call in progress now (a call claimed meanwhile may be missed: see the class comment). */
    void forEach(Consumer<BridgeCall<?>> action) {
        for (int i = 0; i < slots.length(); i++) {
            BridgeCall<?> call = slots.get(i);
            if (call != null) {
                action.accept(call);
            }
        }
        overflow.forEach(action);
    }
}
