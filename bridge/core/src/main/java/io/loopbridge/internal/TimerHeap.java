package io.loopbridge.internal;

import java.util.Arrays;

/**
 * Binary min-heap of timers ordered by (deadline, sequence), with each node remembering its own
 * index so that cancellation removes it in O(log n) at once: memory stays bounded however many
 * timers are scheduled and cancelled (a million schedule+cancel cycles leave the heap empty).
 *
 * <p>Threads: the loop's thread only.
 *
 * @param <N> the node type
 */
public final class TimerHeap<N extends TimerHeap.Node> {

    /** A heap entry. Deadlines are {@link System#nanoTime()}-style values compared by difference. */
    public abstract static class Node {
        protected final long deadline;
        /** Scheduling order, breaks ties between equal deadlines. Assigned on insertion. */
        long sequence;
        /** Position in the heap, -1 when not in it. */
        int index = -1;

        protected Node(long deadline) {
            this.deadline = deadline;
        }

        public final long deadline() {
            return deadline;
        }

        public final boolean inHeap() {
            return index >= 0;
        }

        final boolean before(Node other) {
            long d = deadline - other.deadline;
            return d < 0 || (d == 0 && sequence < other.sequence);
        }
    }

    private static final Node[] EMPTY = {};

    /** Allocated on first use: many per-call loops never schedule a timer. */
    private Node[] nodes = EMPTY;
    private int size;
    private long nextSequence;

    public void add(N node) {
        if (node.index >= 0) {
            throw new IllegalStateException("timer already scheduled");
        }
        if (size == nodes.length) {
            nodes = Arrays.copyOf(nodes, Math.max(16, size * 2));
        }
        node.sequence = nextSequence++;
        node.index = size;
        nodes[size++] = node;
        siftUp(node.index);
    }

    @SuppressWarnings("unchecked")
    public N peek() {
        return size == 0 ? null : (N) nodes[0];
    }

    @SuppressWarnings("unchecked")
    public N poll() {
        if (size == 0) {
            return null;
        }
        N first = (N) nodes[0];
        removeAt(0);
        return first;
    }

    /** Removes {@code node} if it is in this heap; returns whether it was. */
    public boolean remove(N node) {
        int i = node.index;
        if (i < 0 || i >= size || nodes[i] != node) {
            return false;
        }
        removeAt(i);
        return true;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void clear() {
        for (int i = 0; i < size; i++) {
            nodes[i].index = -1;
            nodes[i] = null;
        }
        size = 0;
        if (nodes.length > 1024) {
            nodes = EMPTY;
        }
    }

    private void removeAt(int i) {
        Node removed = nodes[i];
        removed.index = -1;
        Node last = nodes[--size];
        nodes[size] = null;
        if (i < size) {
            nodes[i] = last;
            last.index = i;
            siftDown(i);
            if (nodes[i] == last) {
                siftUp(i);
            }
        }
        if (size < nodes.length / 4 && nodes.length > 64) {
            nodes = Arrays.copyOf(nodes, nodes.length / 2); // give memory back after a burst
        }
    }

    private void siftUp(int i) {
        Node node = nodes[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Node p = nodes[parent];
            if (!node.before(p)) {
                break;
            }
            nodes[i] = p;
            p.index = i;
            i = parent;
        }
        nodes[i] = node;
        node.index = i;
    }

    private void siftDown(int i) {
        Node node = nodes[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && nodes[right].before(nodes[child])) {
                child = right;
            }
            if (!nodes[child].before(node)) {
                break;
            }
            nodes[i] = nodes[child];
            nodes[i].index = i;
            i = child;
        }
        nodes[i] = node;
        node.index = i;
    }
}
