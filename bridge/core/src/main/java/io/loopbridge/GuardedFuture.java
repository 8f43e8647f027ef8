package io.loopbridge;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CompletableFuture} whose blocking waits ({@code get}, {@code get(timeout)}, {@code join})
 * are refused with {@link NestedLoopException} while it is unfinished and the waiting thread runs an
 * event loop: the one refusal behind every future loopbridge hands out (loop futures and tasks, the
 * futures of bridge calls). On a finished future they return at once, as usual.
 *
 * <p>Threads: any thread may wait; the check reads only the calling thread's running loop.
 */
abstract class GuardedFuture<T> extends CompletableFuture<T> {

    /** Whose future this is, for the refusal: "future of event loop 'loop-3'", "call of bridge 'api'". */
    abstract String owner();

    /** Called before every blocking wait; a subclass may count it (tasks: as retrieval of the outcome). */
    void beforeWait(String wait) {
        if (!isDone()) {
            Object running = LoopGuard.loopOnThisThread();
            if (running != null) {
                throw NestedLoopException.refuse("a blocking " + wait + " of an unfinished " + owner(), running);
            }
        }
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        beforeWait("get()");
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        beforeWait("get(timeout)");
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        beforeWait("join()");
        return super.join();
    }
}
