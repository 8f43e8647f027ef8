package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Messages about a task name it. */
class TaskMessagesTest {

    @Test
    void aRefusedBlockingWaitNamesTheTask() {
        try (EventLoop loop = EventLoop.create()) {
            loop.runUntilComplete(l -> {
                Task<Void> task = l.createTask("fetch-prices", inner -> inner.sleep(Duration.ofMillis(1)));
                assertThatThrownBy(task::join).isInstanceOf(NestedLoopException.class)
                        .hasMessageContaining("task 'fetch-prices' of event loop '" + l.name() + "'");
                return task;
            });
        }
    }

    @Test
    void stoppingBeforeTheBodyCompletedNamesTheMainTask() {
        try (EventLoop loop = EventLoop.create()) {
            assertThatThrownBy(() -> loop.runUntilComplete(l -> {
                l.stop();
                return new CompletableFuture<Void>();
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("(task 'Task-");
        }
    }
}
