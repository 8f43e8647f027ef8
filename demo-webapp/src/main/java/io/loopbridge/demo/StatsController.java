package io.loopbridge.demo;

import io.loopbridge.BridgeStats;
import io.loopbridge.LoopBridge;
import io.loopbridge.spring.LoopBridges;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/stats}: every bridge's counters and settings, as JSON. Threads: a request thread; the
 * counters are read without touching the loops.
 */
@RestController
final class StatsController {
    /** One bridge's {@link BridgeStats} plus its settings, durations in microseconds. */
    record BridgeView(String name, String mode, long timeoutMs, int maxInFlight, long calls, long successes,
            long failures, long timeouts, long rejections, long nestedRefusals, long inFlight, long loopsCreated,
            long loopsClosed, long leftoverTasksCancelled, long loopLagMicros, long maxLoopLagMicros) {

        static BridgeView of(LoopBridge bridge) {
            BridgeStats s = bridge.stats();
            return new BridgeView(s.name(), s.mode().name(), bridge.timeout().toMillis(), bridge.maxInFlight(), s.calls(),
                    s.successes(), s.failures(), s.timeouts(), s.rejections(), s.nestedRefusals(), s.inFlight(),
                    s.loopsCreated(), s.loopsClosed(), s.leftoverTasksCancelled(), s.loopLag().toNanos() / 1000,
                    s.maxLoopLag().toNanos() / 1000);
        }
    }

    private final LoopBridges bridges;

    StatsController(LoopBridges bridges) {
        this.bridges = bridges;
    }

    @GetMapping("/api/stats")
    Map<String, List<BridgeView>> stats() {
        return Map.of("bridges", bridges.all().stream().map(BridgeView::of).toList());
    }
}
