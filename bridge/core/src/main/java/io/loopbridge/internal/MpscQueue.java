package io.loopbridge.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Lock-free multi-producer single-consumer queue of (callback, context) pairs: the inbox through
 * which other threads hand work to an event loop (Vyukov's intrusive MPSC design: one atomic swap
 * per offer, no CAS retry loop).
 *
 * <p>Threads: {@link #offer} from any thread; {@link #poll}, {@link #isEmpty} and {@link #clear}
 * only from the single consumer (the loop's thread, or the thread closing an idle loop).
 */
public final class MpscQueue {
    /** A queued entry; after it is polled it becomes the new stub head. */
    public static final class Node {
        Runnable task;
        CallContext context;
        volatile Node next;

        Node(Runnable task, CallContext context) {
            this.task = task;
            this.context = context;
        }

        public Runnable task() {
            return task;
        }

        public CallContext context() {
            return context;
        }
    }

    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(MpscQueue.class, "tail", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Consumer side: a stub whose successor is the oldest entry. Consumer thread only. */
    private Node head;
    /** Producer side: the newest entry, swapped atomically by producers. */
    @SuppressWarnings("unused") // accessed through TAIL
    private volatile Node tail;

    public MpscQueue() {
        Node stub = new Node(null, null);
        head = stub;
        tail = stub;
    }

    /** Appends an entry; safe from any thread, never blocks. */
    public void offer(Runnable task, CallContext context) {
        Node node = new Node(task, context);
        Node previous = (Node) TAIL.getAndSet(this, node);
        previous.next = node; // publishes the node to the consumer
    }

    /**
     * Removes the oldest entry, or returns null when none is visible yet. The returned node's
     * fields stay readable until the next poll. Consumer only.
     */
    public Node poll() {
        Node next = head.next;
        if (next == null) {
            return null;
        }
        head.task = null;
        head.context = null;
        head = next;
        return next;
    }

    /** True when no entry is visible to the consumer. Consumer only. */
    public boolean isEmpty() {
        return head.next == null;
    }

    /** Drops every visible entry. Consumer only. */
    public int clear() {
        int dropped = 0;
        while (poll() != null) {
            dropped++;
        }
        head.task = null;
        head.context = null;
        return dropped;
    }
}
