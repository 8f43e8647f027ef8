package io.loopbridge.spring;

import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import io.loopbridge.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fluent registry a {@link LoopBridgeConfigurer} declares bridges on. Each option may be set once
 * per bridge; a second declaration of a name, or a second value for an option, is an error that names
 * the earlier one.
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
    private final Map<String, BridgeSpec> declared = new LinkedHashMap<>();
    private String defaultName;

    LoopBridgeRegistry() {}

    /**
     * Declares a bridge named {@code name} (its threads are named {@code loopbridge-<name>-...}) and
     * returns its options.
     *
     * @throws IllegalStateException if a bridge of that name was already declared
     */
    public BridgeSpec bridge(String name) {
        Checks.notNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected a non-blank bridge name)");
        }
        if (declared.containsKey(name)) {
            throw new IllegalStateException("bridge '" + name + "' was already declared (as " + declared.get(name)
                    + "): declare each name once, or give the second bridge another name");
        }
        BridgeSpec spec = new BridgeSpec(name);
        declared.put(name, spec);
        return spec;
    }

    /**
     * Chooses the bridge exposed as the context's {@code LoopBridge} bean; by default the first one
     * declared.
     */
    public LoopBridgeRegistry defaultBridge(String name) {
        Checks.notSetYet(defaultName, "defaultBridge");
        defaultName = Checks.notNull(name, "name");
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
            for (BridgeSpec spec : declared.values()) {
                spec.unsafeDefaults(warnings);
                bridges.add(spec.build());
            }
        } catch (RuntimeException invalid) {
            bridges.forEach(LoopBridge::close);
            throw invalid;
        }
        return new LoopBridges(bridges, chosen);
    }

    /**
     * The options of one declared bridge; see {@link LoopBridge.Builder} for their meaning and
     * library defaults. Threads: like the registry, used only during {@code configureBridges}.
     */
    public static final class BridgeSpec {
        private final String name;
        private final LoopBridge.Builder builder;
        /** What was set, for the unsafe-defaults warning and toString; in setting order. */
        private final Map<String, Object> set = new LinkedHashMap<>();

        private BridgeSpec(String name) {
            this.name = name;
            this.builder = LoopBridge.builder().name(name);
        }

        /** Where the loop runs; default {@link BridgeMode#SHARED}. */
        public BridgeSpec mode(BridgeMode mode) {
            return set("mode", mode, () -> builder.mode(mode));
        }

        /** How long a call may take before it fails with 504 ({@code LoopTimeoutException}); default 30 s. */
        public BridgeSpec timeout(Duration timeout) {
            return set("timeout", timeout, () -> builder.timeout(timeout));
        }

        /** Calls in flight at once before further calls fail with 503 ({@code BridgeRejectedException}); default 1024. */
        public BridgeSpec maxInFlight(int maxInFlight) {
            return set("maxInFlight", maxInFlight, () -> builder.maxInFlight(maxInFlight));
        }

        /** Worker threads of PER_CALL_POOLED (and of PER_CALL's submit); default min(32, cores + 4). */
        public BridgeSpec poolSize(int poolSize) {
            return set("poolSize", poolSize, () -> builder.poolSize(poolSize));
        }

        /** SHARED: a callback holding the loop longer than this is logged with the loop's stack; default 100 ms. */
        public BridgeSpec watchdogThreshold(Duration threshold) {
            return set("watchdogThreshold", threshold, () -> builder.watchdogThreshold(threshold));
        }

        /** How long closing the bridge (with the context) waits for its threads; default 2 s. */
        public BridgeSpec closeGrace(Duration closeGrace) {
            return set("closeGrace", closeGrace, () -> builder.closeGrace(closeGrace));
        }

        private BridgeSpec set(String option, Object value, Runnable apply) {
            try {
                apply.run();
            } catch (RuntimeException invalid) { // the builder's message names the value; add the bridge
                throw rethrow(invalid, "bridge '" + name + "': " + invalid.getMessage());
            }
            set.put(option, value);
            return this;
        }

        private static RuntimeException rethrow(RuntimeException e, String message) {
            if (e instanceof IllegalStateException) {
                return new IllegalStateException(message, e);
            }
            if (e instanceof NullPointerException) {
                NullPointerException npe = new NullPointerException(message);
                npe.initCause(e);
                return npe;
            }
            return new IllegalArgumentException(message, e);
        }

        private void unsafeDefaults(List<String> warnings) {
            if (!set.containsKey("timeout")) {
                warnings.add("bridge '" + name + "': timeout not set, so a stuck call holds its caller (a servlet"
                        + " thread) for the library default of 30 s; set .timeout(...) to what a client will wait");
            }
            if (!set.containsKey("maxInFlight")) {
                warnings.add("bridge '" + name + "': maxInFlight not set, so up to 1024 calls pile up before any is"
                        + " refused with 503; set .maxInFlight(...) near the container's thread count");
            }
            if (set.get("mode") == BridgeMode.PER_CALL_POOLED && !set.containsKey("poolSize")) {
                warnings.add("bridge '" + name + "': PER_CALL_POOLED without poolSize runs at most min(32, cores + 4)"
                        + " calls at once, the rest wait in line; set .poolSize(...) for your concurrency");
            }
        }

        private LoopBridge build() {
            return builder.build();
        }

        @Override
        public String toString() {
            return "bridge '" + name + "' " + set;
        }
    }
}
