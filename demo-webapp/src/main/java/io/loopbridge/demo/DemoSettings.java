package io.loopbridge.demo;

import java.time.Duration;

/**
 * The demo's knobs (see {@link DemoConfig}), read once from system properties. Threads: immutable.
 *
 * @param timeout every bridge's timeout
 * @param maxInFlight every bridge's maxInFlight
 * @param poolSize the worker pool of the pooled bridge (and of per-call's submit)
 */
record DemoSettings(Duration timeout, int maxInFlight, int poolSize) {
    static final String TIMEOUT_MS = "loopbridge.demo.timeoutMs";
    static final String MAX_IN_FLIGHT = "loopbridge.demo.maxInFlight";

    static DemoSettings fromSystemProperties() {
        return new DemoSettings(Duration.ofMillis(positive(TIMEOUT_MS, 5000)), positive(MAX_IN_FLIGHT, 64), 16);
    }

    private static int positive(String property, int fallback) {
        String raw = System.getProperty(property);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("system property " + property + ": '" + raw
                + "' (expected a positive integer; unset it for the default " + fallback + ")");
    }
}
