package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Messages about a task name it. */
class TaskMessagesTest {
    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

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

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void aCallsTimeoutNamesTheTaskItCancelled(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(Duration.ofMillis(50)));

        assertThatThrownBy(() -> bridge.run(l -> l.createFuture())).isInstanceOf(LoopTimeoutException.class)
                .hasMessageContaining("timed out after PT0.05S; its task 'Task-").hasMessageContaining("' was cancelled");
    }

    @Test
    void aLoopTimeoutNamesTheTaskItCancelled() {
        try (EventLoop loop = EventLoop.create()) {
            assertThatThrownBy(() -> loop.runUntilComplete(l -> {
                Task<Object> fetch = l.createTask("fetch-user", inner -> inner.createFuture());
                return l.timeout(fetch, Duration.ofMillis(20));
            })).hasRootCauseInstanceOf(java.util.concurrent.TimeoutException.class)
                    .rootCause().hasMessageContaining("timed out after PT0.02S awaiting task 'fetch-user' on event loop '");
        }
    }
}
