package io.loopbridge.spring;

import io.loopbridge.BridgeStats;
import io.loopbridge.LoopBridge;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridges of an application context, by name: the bean {@link EnableLoopBridge} registers. The
 * context closes it, and so every bridge, when it closes (for a web app: on undeploy).
 *
 * <pre>{@code
 * @GetMapping("/reports/{id}")
 * Report report(@PathVariable long id) {
 *     return bridges.get("reports").run(loop -> loop.await(client.fetch(id)));
 * }
 * }</pre>
 *
 * <p>Threads: {@link #get}, {@link #all} and {@link #stats} are safe from any thread; {@link #close}
 * runs on the thread closing the context and waits up to each bridge's close grace.
 */
public final class LoopBridges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoopBridges.class);

    /** By name, in declaration order; never modified after construction. */
    private final Map<String, LoopBridge> byName;
    private final LoopBridge defaultBridge;

    LoopBridges(List<LoopBridge> bridges, String defaultName) {
        Map<String, LoopBridge> map = new LinkedHashMap<>();
        for (LoopBridge bridge : bridges) {
            map.put(bridge.name(), bridge);
        }
        this.byName = Collections.unmodifiableMap(map);
        this.defaultBridge = Objects.requireNonNull(map.get(defaultName), "default bridge '" + defaultName + "' must not be null");
    }

    /**
     * The bridge named {@code name}.
     *
     * @throws IllegalArgumentException if no bridge has that name (the message lists the declared ones)
     */
    public LoopBridge get(String name) {
        LoopBridge bridge = byName.get(Objects.requireNonNull(name, "name must not be null"));
        if (bridge == null) {
            throw new IllegalArgumentException("no bridge named '" + name + "' (declared: " + byName.keySet()
                    + "): declare it in a LoopBridgeConfigurer with bridges.bridge(\"" + name + "\")");
        }
        return bridge;
    }

    /** The bridge named {@code name}, or empty (a name from a request, say, answered 404 when unknown). */
    public Optional<LoopBridge> find(String name) {
        return Optional.ofNullable(byName.get(Objects.requireNonNull(name, "name must not be null")));
    }

    /** The bridge also exposed as the context's {@code LoopBridge} bean. */
    public LoopBridge defaultBridge() {
        return defaultBridge;
    }

    /** Every bridge, in declaration order. */
    public List<LoopBridge> all() {
        return List.copyOf(byName.values());
    }

    /** A snapshot of every bridge's counters, in declaration order. */
    public List<BridgeStats> stats() {
        List<BridgeStats> stats = new ArrayList<>(byName.size());
        byName.values().forEach(b -> stats.add(b.stats()));
        return stats;
    }

    /** Closes every bridge, the last declared first; a failure to close one is logged and the rest still close. */
    @Override
    public void close() {
        List<LoopBridge> reversed = new ArrayList<>(byName.values());
        Collections.reverse(reversed);
        for (LoopBridge bridge : reversed) {
            try {
                bridge.close();
            } catch (RuntimeException e) {
                log.warn("closing bridge '{}' with its application context failed; closing the others", bridge.name(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "LoopBridges" + byName.keySet() + " (default '" + defaultBridge.name() + "')";
    }
}
