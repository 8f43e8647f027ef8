package io.loopbridge.spring.boot.actuate;

import io.loopbridge.BridgeStats;
import io.loopbridge.LoopBridge;
import io.loopbridge.spring.LoopBridges;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The health of every bridge, whatever Boot line asks: DOWN when a bridge is closed, when a SHARED
 * bridge's loop thread died and no call has replaced it yet, or when a bridge's smoothed loop lag
 * exceeds {@code maxLoopLag}; the details name each bridge with its mode, calls in flight, loop lag
 * and, when DOWN, why. Runs on the thread that asks for the health (an actuator request); reads
 * only counters, never touches a loop.
 */
final class BridgeHealth {
    final boolean up;
    final Map<String, Object> details;

    private BridgeHealth(boolean up, Map<String, Object> details) {
        this.up = up;
        this.details = details;
    }

    static BridgeHealth of(LoopBridges bridges, Duration maxLoopLag) {
        boolean up = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (LoopBridge bridge : bridges.all()) {
            BridgeStats stats = bridge.stats();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("mode", bridge.mode().name());
            one.put("inFlight", stats.inFlight());
            one.put("loopLagMs", stats.loopLag().toNanos() / 1e6);
            Optional<String> problem = problem(bridge, stats, maxLoopLag);
            one.put("status", problem.isPresent() ? "DOWN" : "UP");
            problem.ifPresent(p -> one.put("problem", p));
            up &= problem.isEmpty();
            details.put(bridge.name(), one);
        }
        return new BridgeHealth(up, details);
    }

    private static Optional<String> problem(LoopBridge bridge, BridgeStats stats, Duration maxLoopLag) {
        if (bridge.isClosed()) {
            return Optional.of("the bridge is closed");
        }
        Optional<Throwable> death = bridge.deadLoopCause();
        if (death.isPresent()) {
            return Optional.of("the shared loop thread died (" + death.get() + "); the next call starts a new one");
        }
        if (stats.loopLag().compareTo(maxLoopLag) > 0) {
            return Optional.of("loop lag " + stats.loopLag() + " is above loopbridge.health.max-loop-lag=" + maxLoopLag
                    + ": calls wait that long before their body starts (a blocked loop, or too few workers)");
        }
        return Optional.empty();
    }
}
