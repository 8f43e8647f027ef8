package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry of PER_CALL runs in progress: every claimed call is seen until released, overflow included. */
class RunSlotsTest {
    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    private List<BridgeCall<?>> calls(int n) {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL);
        List<BridgeCall<?>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(new BridgeCall<>(bridge, bridge.runner, l -> CompletableFuture.completedFuture(null), null,
                    Duration.ofSeconds(1)));
        }
        return calls;
    }

    private static List<BridgeCall<?>> seen(RunSlots slots) {
        List<BridgeCall<?>> seen = new ArrayList<>();
        slots.forEach(seen::add);
        return seen;
    }

    @Test
    void moreCallsThanSlots_allSeen_untilReleased() {
        RunSlots slots = new RunSlots(4);
        List<BridgeCall<?>> calls = calls(7);
        int[] index = new int[calls.size()];
        for (int i = 0; i < calls.size(); i++) {
            index[i] = slots.claim(calls.get(i));
        }

        assertThat(seen(slots)).containsExactlyInAnyOrderElementsOf(calls);

        for (int i = 0; i < calls.size(); i += 2) {
            slots.release(index[i], calls.get(i));
        }
        assertThat(seen(slots)).containsExactlyInAnyOrder(calls.get(1), calls.get(3), calls.get(5));
        for (int i = 1; i < calls.size(); i += 2) {
            slots.release(index[i], calls.get(i));
        }
        assertThat(seen(slots)).isEmpty();
    }

    @Test
    void theArrayIsBounded() {
        RunSlots slots = new RunSlots(Integer.MAX_VALUE);
        BridgeCall<?> call = calls(1).get(0);

        int index = slots.claim(call);

        assertThat(index).isBetween(0, RunSlots.MAX_SLOTS - 1);
        slots.release(index, call);
        assertThat(seen(slots)).isEmpty();
    }
}
