package io.loopbridge;

import io.loopbridge.internal.Checks;
import io.loopbridge.internal.Failures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Structured concurrency on one loop, as Python's {@code asyncio.TaskGroup}: tasks spawned in the
 * group are awaited by it. Made by {@link EventLoop#taskGroup}.
 *
 * <ul>
 *   <li>The group completes once its body's stage and every spawned task have completed.</li>
 *   <li>The first failure (of a task or of the body) cancels every other task; the group fails with
 *       that failure, and every later failure is added to it as suppressed. Cancellations the group
 *       caused are not failures.</li>
 *   <li>Cancelling the group's future cancels every task in it.</li>
 * </ul>
 *
 * <p>Threads: loop thread only; {@link #spawn} from another thread throws
 * {@link IllegalStateException}.
 */
public final class TaskGroup {
    private final DefaultEventLoop loop;
    private final GroupFuture result;
    private final List<Task<?>> tasks = new ArrayList<>();
    /** Tasks and body not yet completed. */
    private int pending = 1;
    private Throwable failure;
    private Object bodyValue;
    /** The body's stage, cancelled with the group. */
    private java.util.concurrent.Future<?> bodyFuture;
    private boolean closed;

    private TaskGroup(DefaultEventLoop loop) {
        this.loop = loop;
        this.result = new GroupFuture(loop, this);
    }

    @SuppressWarnings("unchecked")
    static <T> LoopFuture<T> run(DefaultEventLoop loop, Function<TaskGroup, ? extends CompletionStage<T>> body) {
        Checks.notNull(body, "body");
        TaskGroup group = new TaskGroup(loop);
        CompletionStage<T> stage;
        try {
            stage = Checks.notNull(body.apply(group), "stage returned by the task group body");
        } catch (Throwable t) {
            stage = LoopFuture.failedStage(t);
        }
        group.bodyFuture = LoopOps.futureOf(stage);
        LoopOps.onLoop(loop, stage, (v, e) -> {
            group.bodyValue = v;
            group.childDone(e);
        });
        return (LoopFuture<T>) (LoopFuture<?>) group.result;
    }

    /** {@link #spawn(String, AsyncCallable)} with a generated name. */
    public <T> Task<T> spawn(AsyncCallable<T> body) {
        return spawn(null, body);
    }

    /**
     * Starts {@code body} as a task of this group.
     *
     * @throws IllegalStateException if called off the loop thread, or after the group completed
     */
    public <T> Task<T> spawn(String name, AsyncCallable<T> body) {
        Checks.notNull(body, "body");
        if (!loop.inLoopThread()) {
            throw new IllegalStateException("TaskGroup.spawn called on thread '" + Thread.currentThread().getName()
                    + "', not on the thread of event loop '" + loop.name() + "': spawn from the group's body or callbacks");
        }
        if (closed) {
            throw new IllegalStateException("task group on event loop '" + loop.name() + "' has completed: spawn tasks"
                    + " before the group's body and tasks finish");
        }
        Task<T> task = loop.createTask(name, body);
        tasks.add(task);
        pending++;
        if (failure != null || result.isDone()) {
            task.cancel(false);
        }
        LoopOps.onLoop(loop, task, (v, e) -> childDone(e));
        return task;
    }

    private void childDone(Throwable error) {
        if (error != null) {
            Throwable cause = Failures.unwrap(error);
            if (!(cause instanceof CancellationException)) {
                if (failure == null) {
                    failure = cause;
                    cancelAll();
                } else if (cause != failure) {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (--pending == 0) {
            closed = true;
            if (failure == null) {
                result.complete(bodyValue);
            } else {
                result.completeExceptionally(failure);
            }
        }
    }

    /** Cancels the body's stage and every task. Loop thread. */
    private void cancelAll() {
        LoopFuture.cancelAwaited(bodyFuture);
        for (Task<?> task : tasks) {
            task.cancel(false);
        }
    }

    /** The group's result: cancelling it cancels the whole group, on the loop thread. */
    private static final class GroupFuture extends LoopFuture<Object> {
        private final TaskGroup group;

        GroupFuture(DefaultEventLoop loop, TaskGroup group) {
            super(loop);
            this.group = group;
        }

        @Override
        boolean cancelWith(CancellationException cancellation) {
            boolean cancelled = super.cancelWith(cancellation);
            if (cancelled) {
                loop.runOnLoop(group::cancelAll, null);
            }
            return cancelled;
        }
    }
}
