package io.loopbridge.spring.boot.actuate;

import io.loopbridge.BridgeStats;
import io.loopbridge.LoopBridge;
import io.loopbridge.spring.LoopBridges;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/loopbridge}: every bridge with its mode, settings and counters, and which one is the
 * default. Expose it as any endpoint ({@code management.endpoints.web.exposure.include=health,loopbridge}).
 * Runs on the actuator's request thread; reads only settings and counters.
 */
@Endpoint(id = "loopbridge")
public class LoopBridgeEndpoint {
    private final LoopBridges bridges;

    public LoopBridgeEndpoint(LoopBridges bridges) {
        this.bridges = bridges;
    }

    /** The bridges by name, in declaration order, and the default bridge's name. */
    @ReadOperation
    public Map<String, Object> bridges() {
        Map<String, Object> byName = new LinkedHashMap<>();
        for (LoopBridge bridge : bridges.all()) {
            byName.put(bridge.name(), describe(bridge));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("defaultBridge", bridges.defaultBridge().name());
        answer.put("bridges", byName);
        return answer;
    }

    private static Map<String, Object> describe(LoopBridge bridge) {
        BridgeStats s = bridge.stats();
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("mode", bridge.mode().name());
        one.put("timeoutMs", bridge.timeout().toMillis());
        one.put("maxInFlight", bridge.maxInFlight());
        one.put("closed", bridge.isClosed());
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("calls", s.calls());
        stats.put("successes", s.successes());
        stats.put("failures", s.failures());
        stats.put("timeouts", s.timeouts());
        stats.put("rejections", s.rejections());
        stats.put("nestedRefusals", s.nestedRefusals());
        stats.put("inFlight", s.inFlight());
        stats.put("loopsCreated", s.loopsCreated());
        stats.put("loopsClosed", s.loopsClosed());
        stats.put("leftoverTasksCancelled", s.leftoverTasksCancelled());
        stats.put("loopLagMs", s.loopLag().toNanos() / 1e6);
        stats.put("maxLoopLagMs", s.maxLoopLag().toNanos() / 1e6);
        one.put("stats", stats);
        return one;
    }
}
