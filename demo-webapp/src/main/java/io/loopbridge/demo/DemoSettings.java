package io.loopbridge.demo;

import java.time.Duration;

/**
 * The demo's knobs (see {@link DemoConfig}), read once from system properties. Threads: immutable.
 *
 * <p>{@value #VIRTUAL_THREADS} is the server's knob, not the web app's: the server's thread pool runs
 * requests on virtual threads (the {@code jetty:run-war} profile, {@code src/jetty/deploy.sh}); reading the
 * settings only refuses it on a JVM that cannot have them.
 *
 * @param timeout every bridge's timeout
 * @param maxInFlight every bridge's maxInFlight
 * @param poolSize the worker pool of the pooled bridge (and of per-call's submit)
 */
record DemoSettings(Duration timeout, int maxInFlight, int poolSize) {
    static final String TIMEOUT_MS = "loopbridge.demo.timeoutMs";
    static final String MAX_IN_FLIGHT = "loopbridge.demo.maxInFlight";
    static final String VIRTUAL_THREADS = "loopbridge.demo.virtualThreads";
    /** The first JDK with (final) virtual threads. */
    static final int VIRTUAL_THREADS_JDK = 21;

    static DemoSettings fromSystemProperties() {
        checkVirtualThreads();
        return new DemoSettings(Duration.ofMillis(positive(TIMEOUT_MS, 5000)), positive(MAX_IN_FLIGHT, 64), 16);
    }

    /** Refuses {@value #VIRTUAL_THREADS} when it is neither true nor false, or true on a JDK before 21. */
    private static void checkVirtualThreads() {
        String raw = System.getProperty(VIRTUAL_THREADS, "false").trim();
        if (!raw.equals("true") && !raw.equals("false")) {
            throw new IllegalArgumentException("system property " + VIRTUAL_THREADS + ": '" + raw
                    + "' (expected true or false; unset it for false)");
        }
        int jdk = Runtime.version().feature();
        if (raw.equals("true") && jdk < VIRTUAL_THREADS_JDK) {
            throw new IllegalStateException(VIRTUAL_THREADS + "=true needs JDK " + VIRTUAL_THREADS_JDK
                    + " or newer, and this JVM is " + jdk + " (" + System.getProperty("java.home")
                    + "): run the server on a JDK 21+ (for Maven: JAVA_HOME=/path/to/jdk-21+ mvn ...), or drop the property");
        }
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
