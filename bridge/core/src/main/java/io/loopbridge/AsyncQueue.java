package io.loopbridge;

import io.loopbridge.internal.Checks;
import java.util.ArrayDeque;

/**
 * A bounded FIFO queue for async code on one loop (asyncio's {@code Queue} with a
 * {@code maxsize}): {@link #put} waits while the queue is full, {@link #take} while it is empty, so
 * a slow consumer slows the producer and memory stays bounded. Waiters on both sides are served FIFO;
 * a taker cancelled while waiting never receives an item, and a putter cancelled while waiting never
 * adds its item.
 *
 * <p>Threads: the loop thread only (methods throw {@link IllegalStateException} elsewhere).
 *
 * @param <E> the element type
 */
public final class AsyncQueue<E> {
    private final DefaultEventLoop loop;
    private final int capacity;
    private final ArrayDeque<E> items = new ArrayDeque<>();
    private final Waiters<E> takers;
    private final ArrayDeque<Putter<E>> putters = new ArrayDeque<>();

    private record Putter<E>(LoopFuture<Void> future, E item) {}

    public AsyncQueue(EventLoop loop, int capacity) {
        this.loop = Waiters.loopOf(Checks.notNull(loop, "loop"));
        this.capacity = Checks.positive(capacity, "capacity");
        this.takers = new Waiters<>(this.loop);
    }

    /** A stage that completes once {@code item} is in the queue (or handed to a waiting taker). */
    public LoopFuture<Void> put(E item) {
        Checks.notNull(item, "item");
        Waiters.checkLoopThread(loop, "AsyncQueue.put");
        LoopFuture<Void> done = new LoopFuture<>(loop);
        if (offer0(item)) {
            done.complete(null);
        } else {
            putters.add(new Putter<>(done, item));
        }
        return done;
    }

    /** Adds {@code item} if there is room (or a waiting taker) without waiting. */
    public boolean offer(E item) {
        Checks.notNull(item, "item");
        Waiters.checkLoopThread(loop, "AsyncQueue.offer");
        return offer0(item);
    }

    private boolean offer0(E item) {
        if (items.isEmpty() && takers.wakeFirst(item)) {
            return true;
        }
        if (items.size() < capacity && !hasPutters()) {
            items.add(item);
            return true;
        }
        return false;
    }

    /** A stage that completes with the oldest item, once there is one. */
    public LoopFuture<E> take() {
        Waiters.checkLoopThread(loop, "AsyncQueue.take");
        E item = poll();
        if (item != null) {
            LoopFuture<E> done = new LoopFuture<>(loop);
            done.complete(item);
            return done;
        }
        return takers.add();
    }

    /** The oldest item, or null if the queue is empty; never waits. */
    public E poll() {
        Waiters.checkLoopThread(loop, "AsyncQueue.poll");
        E item = items.poll();
        if (item != null) {
            E admitted = claimPutter();
            if (admitted != null) {
                items.add(admitted);
            }
        }
        return item;
    }

    /** Completes the longest live putter and returns its item, or null if none waits. */
    private E claimPutter() {
        Putter<E> putter;
        while ((putter = putters.poll()) != null) {
            if (putter.future().complete(null)) {
                return putter.item();
            }
        }
        return null;
    }

    private boolean hasPutters() {
        Putter<E> head;
        while ((head = putters.peek()) != null && head.future().isDone()) {
            putters.poll();
        }
        return head != null;
    }

    public int size() {
        return items.size();
    }

    public int capacity() {
        return capacity;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }
}
