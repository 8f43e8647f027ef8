package io.loopbridge.internal;

import java.util.Arrays;

/**
 * The loop's FIFO of callbacks ready to run, each with the context it was scheduled under: a
 * growable ring buffer of pairs, so scheduling from the loop thread allocates nothing.
 *
 * <p>Threads: the loop's thread only.
 */
public final class ReadyQueue {
    /** Pairs: slot 2i holds a Runnable, slot 2i+1 its CallContext (or null). */
    private static final Object[] EMPTY = {};

    /** Allocated on first use: many per-call loops only ever run a couple of callbacks. */
    private Object[] slots = EMPTY;
    /** Index of the oldest pair's task slot. */
    private int head;
    /** Number of pairs queued. */
    private int size;

    public void add(Runnable task, CallContext context) {
        if (size * 2 == slots.length) {
            grow();
        }
        int tail = (head + size * 2) & (slots.length - 1);
        slots[tail] = task;
        slots[tail + 1] = context;
        size++;
    }

    /** The context of the oldest pair; call before {@link #poll()}. */
    public CallContext peekContext() {
        return (CallContext) slots[head + 1];
    }

    /** Removes the oldest pair and returns its task. */
    public Runnable poll() {
        Runnable task = (Runnable) slots[head];
        slots[head] = null;
        slots[head + 1] = null;
        head = (head + 2) & (slots.length - 1);
        size--;
        return task;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int clear() {
        int dropped = size;
        Arrays.fill(slots, null); // a no-op on the shared empty array
        head = 0;
        size = 0;
        return dropped;
    }

    private void grow() {
        Object[] bigger = new Object[Math.max(16, slots.length * 2)];
        int firstPart = slots.length - head;
        System.arraycopy(slots, head, bigger, 0, firstPart);
        System.arraycopy(slots, 0, bigger, firstPart, head);
        slots = bigger;
        head = 0;
    }
}
