package io.loopbridge;

import io.loopbridge.internal.Checks;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * A bounded queue for async code on one loop (asyncio's {@code Queue}, {@code LifoQueue} and
 * {@code PriorityQueue} with a {@code maxsize}): {@link #put} waits while the queue is full,
 * {@link #take} while it is empty, so a slow consumer slows the producer and memory stays bounded.
 * The order items come out in is the queue's: oldest first ({@link #AsyncQueue(EventLoop, int)}),
 * newest first ({@link #lifo}) or smallest first ({@link #priority}). Waiters on both sides are served
 * FIFO; a taker cancelled while waiting never receives an item, and a putter cancelled while waiting
 * never adds its item.
 *
 * <p>No item is lost to a cancelled consumer: the stage {@link #take} returns hands its item over only
 * when a consumer actually gets it. If every stage derived from it on the loop thread
 * ({@code thenApply}, {@code thenCompose}, ... : what a task's body returns) is cancelled before its
 * callback runs (the task is cancelled, from any thread, or its loop closes), the item goes to the next
 * live taker, or back to the head of the queue, and still counts as unfinished for {@link #join}. Not
 * covered: a stage derived on another thread, or relayed through a foreign {@code CompletableFuture}
 * (the item is final once handed to it), and an item read directly ({@code join}, {@code getNow}),
 * which is final once the stage completes. Likewise a waiting {@link #put} whose continuations were all
 * cancelled before they ran takes its item back out and passes its slot to the next waiting putter,
 * unless a consumer already took the item in the same step (then it stays delivered).
 *
 * <p>Draining: every item put counts as unfinished until a consumer calls {@link #taskDone} for it;
 * {@link #join} completes once none is unfinished. {@link #shutdown} stops the queue taking new items
 * (asyncio 3.13's {@code shutdown}).
 *
 * <p>Threads: the loop thread only (methods throw {@link IllegalStateException} elsewhere); the stages
 * returned complete on the loop thread and run their callbacks there.
 *
 * @param <E> the element type
 */
public final class AsyncQueue<E> {
    private final DefaultEventLoop loop;
    private final int capacity;
    /** The item store; its own order (FIFO, LIFO or priority) is the queue's order. */
    private final Queue<E> items;
    /** Puts an item given back by a cancelled taker where the next poll finds it. */
    private final Consumer<E> toHead;
    /** Hands a given-back item to the next live taker, or to the head of the queue. */
    private final Consumer<E> giveBack = this::giveBack;
    private final Waiters<E> takers;
    private final ArrayDeque<Putter<E>> putters = new ArrayDeque<>();
    private final Waiters<Void> joiners;
    /** Items put and not yet marked {@link #taskDone}. */
    private long unfinished;
    private boolean shutdown;

    private record Putter<E>(LoopFuture<Void> future, E item) {}

    /** The item store of one order: the queue it polls, and how a given-back item returns to its head. */
    private record Store<E>(Queue<E> items, Consumer<E> toHead) {
        static <E> Store<E> fifo() {
            ArrayDeque<E> line = new ArrayDeque<>();
            return new Store<>(line, line::addFirst);
        }

        static <E> Store<E> lifo() {
            Queue<E> stack = Collections.asLifoQueue(new ArrayDeque<>());
            return new Store<>(stack, stack::add);
        }

        static <E> Store<E> priority(Comparator<? super E> comparator) {
            Queue<E> heap = new PriorityQueue<>(comparator);
            return new Store<>(heap, heap::add);
        }
    }

    /**
     * A FIFO queue of at most {@code capacity} items on {@code loop}; may be created on any thread.
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public AsyncQueue(EventLoop loop, int capacity) {
        this(loop, capacity, Store.fifo());
    }

    private AsyncQueue(EventLoop loop, int capacity, Store<E> store) {
        this.loop = Waiters.loopOf(Checks.notNull(loop, "loop"));
        this.capacity = Checks.positive(capacity, "capacity");
        this.items = store.items();
        this.toHead = store.toHead();
        this.takers = new Waiters<>(this.loop);
        this.joiners = new Waiters<>(this.loop);
    }

    /** A LIFO queue (newest item first) of at most {@code capacity} items; may be called on any thread. */
    public static <E> AsyncQueue<E> lifo(EventLoop loop, int capacity) {
        return new AsyncQueue<>(loop, capacity, Store.lifo());
    }

    /**
     * A priority queue (smallest item by {@code comparator} first; equal items in no set order) of at
     * most {@code capacity} items; may be called on any thread.
     */
    public static <E> AsyncQueue<E> priority(EventLoop loop, int capacity, Comparator<? super E> comparator) {
        Checks.notNull(comparator, "comparator");
        return new AsyncQueue<>(loop, capacity, Store.priority(comparator));
    }

    /**
     * A stage that completes once {@code item} is in the queue (or handed to a waiting taker); it fails
     * with {@link QueueShutDownException} if the queue is or gets shut down before then. Loop thread only.
     */
    public LoopFuture<Void> put(E item) {
        Checks.notNull(item, "item");
        Waiters.checkLoopThread(loop, "AsyncQueue.put");
        LoopFuture<Void> done = new LoopFuture<>(loop);
        if (shutdown) {
            done.completeExceptionally(shutDown("put"));
        } else if (offer0(item)) {
            done.complete(null);
        } else {
            Handoff<Void> waiting = new Handoff<>(loop, granted -> withdraw(item));
            putters.add(new Putter<>(waiting, item));
            return waiting;
        }
        return done;
    }

    /**
     * Adds {@code item} if there is room (or a waiting taker) without waiting. Loop thread only.
     *
     * @throws QueueShutDownException if the queue was shut down
     */
    public boolean offer(E item) {
        Checks.notNull(item, "item");
        Waiters.checkLoopThread(loop, "AsyncQueue.offer");
        if (shutdown) {
            throw shutDown("offer");
        }
        return offer0(item);
    }

    private boolean offer0(E item) {
        if (items.isEmpty() && takers.wakeFirst(item)) {
            unfinished++;
            return true;
        }
        if (items.size() < capacity && !hasPutters()) {
            items.add(item);
            unfinished++;
            return true;
        }
        return false;
    }

    /**
     * A stage that completes with the next item in the queue's order, once there is one; it fails with
     * {@link QueueShutDownException} if the queue is shut down and empty. Loop thread only.
     */
    public LoopFuture<E> take() {
        Waiters.checkLoopThread(loop, "AsyncQueue.take");
        if (!items.isEmpty()) {
            LoopFuture<E> done = new Handoff<>(loop, giveBack);
            done.complete(poll());
            return done;
        }
        if (shutdown) {
            LoopFuture<E> failed = new LoopFuture<>(loop);
            failed.completeExceptionally(shutDown("take"));
            return failed;
        }
        return takers.add(new Handoff<>(loop, giveBack));
    }

    /** An item whose taker was cancelled before it got it: the next live taker's, or the head's. Loop thread. */
    private void giveBack(E item) {
        if (!(items.isEmpty() && takers.wakeFirst(item))) {
            toHead.accept(item);
        }
    }

    /**
     * The next item in the queue's order, or null if the queue is empty; never waits. Loop thread only.
     *
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    public E poll() {
        Waiters.checkLoopThread(loop, "AsyncQueue.poll");
        E item = items.poll();
        if (item != null) {
            admitPutter();
        } else if (shutdown) {
            throw shutDown("poll");
        }
        return item;
    }

    /**
     * Marks one item taken from the queue as processed: {@link #join} waits for one call per item put.
     * Loop thread only.
     *
     * @throws IllegalStateException if called more times than items were put
     */
    public void taskDone() {
        Waiters.checkLoopThread(loop, "AsyncQueue.taskDone");
        if (unfinished == 0) {
            throw new IllegalStateException("AsyncQueue.taskDone() called more times than items were put (unfinished: 0,"
                    + " expected > 0) on event loop '" + loop.name() + "': call it once per item taken");
        }
        finish(1);
    }

    /**
     * A stage that completes once every item put so far has been taken and marked {@link #taskDone}
     * (at once if none is unfinished). Loop thread only.
     */
    public LoopFuture<Void> join() {
        Waiters.checkLoopThread(loop, "AsyncQueue.join");
        if (unfinished == 0) {
            LoopFuture<Void> done = new LoopFuture<>(loop);
            done.complete(null);
            return done;
        }
        return joiners.add();
    }

    /**
     * Shuts the queue down (asyncio 3.13): later puts and offers fail with {@link QueueShutDownException},
     * and so do waiting putters, whose items are not added; waiting takers fail with it too (they wait
     * only while the queue is empty). With {@code immediate} false the items already in the queue can
     * still be taken, and a take fails once it is empty; with {@code immediate} true the queue is
     * drained at once and the drained items count as done for {@link #join}. Idempotent; loop thread
     * only.
     */
    public void shutdown(boolean immediate) {
        Waiters.checkLoopThread(loop, "AsyncQueue.shutdown");
        shutdown = true;
        if (immediate) {
            int drained = items.size();
            items.clear();
            finish(drained);
        }
        Putter<E> putter;
        while ((putter = putters.poll()) != null) {
            putter.future().completeExceptionally(shutDown("put"));
        }
        takers.failAll(shutDown("take"));
    }

    /** True once {@link #shutdown} was called. Loop thread only. */
    public boolean isShutdown() {
        Waiters.checkLoopThread(loop, "AsyncQueue.isShutdown");
        return shutdown;
    }

    private void finish(long done) {
        unfinished -= done;
        if (unfinished == 0) {
            joiners.wakeAll(null);
        }
    }

    private QueueShutDownException shutDown(String what) {
        return new QueueShutDownException("AsyncQueue." + what + ": the queue on event loop '" + loop.name()
                + "' is shut down (shutdown was called): it accepts no new items and a take fails once it is empty;"
                + " stop producing, or use a new queue");
    }

    /**
     * Takes back the item of a putter whose every continuation was cancelled before it ran, and gives
     * its slot to the next waiting putter; an item already taken stays delivered. Loop thread.
     */
    private void withdraw(E item) {
        for (Iterator<E> it = items.iterator(); it.hasNext(); ) {
            if (it.next() == item) {
                it.remove();
                finish(1);
                admitPutter();
                return;
            }
        }
    }

    /** Moves the item of the longest live putter, if any, into the freed slot. */
    private void admitPutter() {
        E admitted = claimPutter();
        if (admitted != null) {
            items.add(admitted);
            unfinished++;
        }
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

    /** Items in the queue now. Loop thread (reads from elsewhere may be stale). */
    public int size() {
        return items.size();
    }

    /** The most items the queue holds; any thread. */
    public int capacity() {
        return capacity;
    }

    /** True if no item is in the queue. Loop thread (reads from elsewhere may be stale). */
    public boolean isEmpty() {
        return items.isEmpty();
    }
}
