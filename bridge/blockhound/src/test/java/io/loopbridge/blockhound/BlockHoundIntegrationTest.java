package io.loopbridge.blockhound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.loopbridge.AsyncCallable;
import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import io.loopbridge.LoopManager;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * Contract, BlockHound: with BlockHound installed (this integration found by ServiceLoader), a
 * blocking call in a loop callback fails with {@link BlockingOperationError} and its stack, in every
 * mode; loopbridge's own waits (the loop parking for work, a caller waiting in {@code run}, the
 * logging of a failed callback) and blocking code off the loop pass.
 */
class BlockHoundIntegrationTest {
    private static final Duration ONE_MS = Duration.ofMillis(1);

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    /** A blocking call: a timed wait on a latch nobody counts down. */
    private static boolean blockBriefly() throws InterruptedException {
        return new CountDownLatch(1).await(1, TimeUnit.MILLISECONDS);
    }

    private static final AsyncCallable<Boolean> BLOCKS_IN_A_CALLBACK = l -> l.sleep(ONE_MS).thenApply(v -> {
        try {
            return blockBriefly();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    });

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void aBlockingCallInALoopCallback_failsWithItsStack(BridgeMode mode) {
        try (LoopBridge bridge = LoopBridge.builder().mode(mode).name("blockhound-" + mode).build()) {
            Throwable thrown = catchThrowable(() -> bridge.run(BLOCKS_IN_A_CALLBACK));

            Throwable error = rootCause(thrown);
            assertThat(error).isInstanceOf(BlockingOperationError.class).hasMessageContaining("Blocking call!");
            assertThat(error.getStackTrace()).anySatisfy(frame -> assertThat(frame.getMethodName()).isEqualTo("blockBriefly"));
        }
    }

    @Test
    void aBlockingCallInALoopManagerRunCallback_fails() {
        Throwable thrown = catchThrowable(() -> LoopManager.run(BLOCKS_IN_A_CALLBACK));

        assertThat(rootCause(thrown)).isInstanceOf(BlockingOperationError.class);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void theLoopsOwnWaits_andTheCallersWait_pass(BridgeMode mode) {
        try (LoopBridge bridge = LoopBridge.builder().mode(mode).name("waits-" + mode).build()) {
            String value = bridge.run(l -> l.sleep(Duration.ofMillis(20)).thenCompose(v -> l.sleep(ONE_MS))
                    .thenApply(v -> "waited"));

            assertThat(value).isEqualTo("waited");
        }
    }

    @Test
    void aFailingCallbackIsLogged_onTheLoopThread_withoutABlockingError() {
        String value = LoopManager.run(l -> {
            l.callSoon(() -> {
                throw new IllegalStateException("logged by the loop's default exception handler");
            });
            return l.sleep(ONE_MS).thenApply(v -> "the loop went on");
        });

        assertThat(value).isEqualTo("the loop went on");
    }

    @Test
    void blockingCodeOffTheLoop_passes() throws InterruptedException {
        Boolean inExecutor = LoopManager.run(l -> l.runInExecutor(BlockHoundIntegrationTest::blockBriefly));

        assertThat(inExecutor).isFalse();
        assertThat(LoopManager.isLoopThread()).isFalse();
        assertThat(blockBriefly()).isFalse(); // this thread ran a loop a moment ago; it no longer does
    }

    /** The error itself, or what it wraps (the loop rethrows an Error as it is). */
    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
