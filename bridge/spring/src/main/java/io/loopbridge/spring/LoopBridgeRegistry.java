package io.loopbridge.spring;

import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fluent registry a {@link LoopBridgeConfigurer} declares bridges on: {@link #bridge(String)} hands
 * out a {@link LoopBridge.Builder} already named, whose options and errors are the library's own. Each
 * option may be set once per bridge; a second declaration of a name, or a second value for an option,
 * is an error that names the earlier one. The registry builds the bridges (do not call
 * {@code build()} on them yourself) and closes them with the context.
 *
 * <p>Options left unset take the library defaults of {@link LoopBridge.Builder}; those that matter
 * under load ({@code timeout}, {@code maxInFlight}, and {@code poolSize} of a PER_CALL_POOLED bridge)
 * are listed in one warning when the context starts, so that sizing them is a decision, not an
 * accident.
 *
 * <p>Threads: used by the thread that refreshes the context, during {@code configureBridges} only.
 */
public final class LoopBridgeRegistry {
    /** The name of the bridge created when no configurer declares one. */
    public static final String DEFAULT_NAME = "default";
    /** Timeout of the implicit default bridge: long enough for typical fan-outs, short enough to free a servlet thread. */
    static final Duration IMPLICIT_TIMEOUT = Duration.ofSeconds(10);
    /** maxInFlight of the implicit default bridge: about one container thread pool's worth of callers. */
    static final int IMPLICIT_MAX_IN_FLIGHT = 256;

    /** Declared bridges by name, in declaration order. */
    private final Map<String, LoopBridge.Builder> declared = new LinkedHashMap<>();
    private String defaultName;

    LoopBridgeRegistry() {}

    /**
     * Declares a bridge named {@code name} (its threads are named {@code loopbridge-<name>-...}) and
     * returns its options.
     *
     * @throws IllegalStateException if a bridge of that name was already declared
     */
    public LoopBridge.Builder bridge(String name) {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected a non-blank bridge name)");
        }
        if (declared.containsKey(name)) {
            throw new IllegalStateException("bridge '" + name + "' was already declared (as " + describe(name)
                    + "): declare each name once, or give the second bridge another name");
        }
        LoopBridge.Builder builder = LoopBridge.builder().name(name);
        declared.put(name, builder);
        return builder;
    }

    /**
     * Chooses the bridge exposed as the context's {@code LoopBridge} bean; by default the first one
     * declared.
     */
    public LoopBridgeRegistry defaultBridge(String name) {
        if (defaultName != null) {
            throw new IllegalStateException("defaultBridge was already set to " + defaultName);
        }
        defaultName = Objects.requireNonNull(name, "name must not be null");
        return this;
    }

    /** Builds the declared bridges (or the implicit default one) and lists risky defaults in {@code warnings}. */
    LoopBridges build(List<String> warnings) {
        if (declared.isEmpty()) {
            bridge(DEFAULT_NAME).mode(BridgeMode.SHARED).timeout(IMPLICIT_TIMEOUT).maxInFlight(IMPLICIT_MAX_IN_FLIGHT);
            warnings.add("no LoopBridgeConfigurer declared a bridge, so all async code shares one SHARED bridge '"
                    + DEFAULT_NAME + "' (timeout " + IMPLICIT_TIMEOUT + ", maxInFlight " + IMPLICIT_MAX_IN_FLIGHT
                    + "): under load every request's callbacks run on that one loop thread (one core), and one"
                    + " blocking callback stalls them all");
        }
        String chosen = defaultName != null ? defaultName : declared.keySet().iterator().next();
        if (!declared.containsKey(chosen)) {
            throw new IllegalStateException("defaultBridge('" + chosen + "') names no declared bridge (declared: "
                    + declared.keySet() + "): declare it with bridges.bridge(\"" + chosen + "\")");
        }
        List<LoopBridge> bridges = new ArrayList<>(declared.size());
        try {
            for (Map.Entry<String, LoopBridge.Builder> bridge : declared.entrySet()) {
                unsafeDefaults(bridge.getKey(), bridge.getValue().options(), warnings);
                bridges.add(bridge.getValue().build());
            }
        } catch (RuntimeException invalid) {
            bridges.forEach(LoopBridge::close);
            throw invalid;
        }
        return new LoopBridges(bridges, chosen);
    }

    /** "bridge 'api' {maxInFlight=5}": what a declared bridge set, for messages. */
    private String describe(String name) {
        Map<String, Object> options = new LinkedHashMap<>(declared.get(name).options());
        options.remove("name");
        return "bridge '" + name + "' " + options;
    }

    /** Lists the options left at a default that matters under load. */
    private static void unsafeDefaults(String name, Map<String, Object> set, List<String> warnings) {
        if (!set.containsKey("timeout")) {
            warnings.add("bridge '" + name + "': timeout not set, so a stuck call holds its caller (a servlet"
                    + " thread) for the library default of " + LoopBridge.DEFAULT_TIMEOUT + "; set .timeout(...) to"
                    + " what a client will wait");
        }
        if (!set.containsKey("maxInFlight")) {
            warnings.add("bridge '" + name + "': maxInFlight not set, so up to " + LoopBridge.DEFAULT_MAX_IN_FLIGHT
                    + " calls pile up before any is refused with 503; set .maxInFlight(...) near the container's"
                    + " thread count");
        }
        if (set.get("mode") == BridgeMode.PER_CALL_POOLED && !set.containsKey("poolSize")) {
            warnings.add("bridge '" + name + "': PER_CALL_POOLED without poolSize runs at most "
                    + LoopBridge.defaultPoolSize() + " calls at once (min(32, cores + 4)), the rest wait in line; set"
                    + " .poolSize(...) for your concurrency");
        }
    }
}
