package io.loopbridge.spring.boot;

import io.loopbridge.BridgeMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code loopbridge.*} properties: which bridges exist, with which options, and which one is the
 * default {@code LoopBridge} bean.
 *
 * <pre>
 * loopbridge.bridges.api.mode=SHARED
 * loopbridge.bridges.api.timeout=2s
 * loopbridge.bridges.api.max-in-flight=200
 * </pre>
 *
 * An option left out takes the library's default (and the startup warning lists those that matter
 * under load). Threads: bound once, on the thread that refreshes the context.
 */
@ConfigurationProperties(prefix = LoopBridgeProperties.PREFIX)
public class LoopBridgeProperties {
    /** The prefix of every property here. */
    public static final String PREFIX = "loopbridge";
    /** The default of {@code loopbridge.health.max-loop-lag}. */
    public static final Duration DEFAULT_MAX_LOOP_LAG = Duration.ofSeconds(1);

    /** Whether loopbridge's auto-configuration applies at all. */
    private boolean enabled = true;

    /** The bridge exposed as the primary {@code LoopBridge} bean; by default the first one declared. */
    private String defaultBridge;

    /** The bridges, by name; each is also a {@code LoopBridge} bean of that name. */
    private final Map<String, Bridge> bridges = new LinkedHashMap<>();

    private final Health health = new Health();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getDefaultBridge() {
        return defaultBridge;
    }

    public void setDefaultBridge(String defaultBridge) {
        this.defaultBridge = defaultBridge;
    }

    public Map<String, Bridge> getBridges() {
        return bridges;
    }

    public Health getHealth() {
        return health;
    }

    /** One bridge's options; null means the library's default. */
    public static class Bridge {
        /** How the bridge runs calls: SHARED (one loop thread), PER_CALL or PER_CALL_POOLED (a fresh loop per call). */
        private BridgeMode mode;

        /** How long a call may take before it fails with a 504 and its task is cancelled. */
        private Duration timeout;

        /** Calls admitted at once; one more is refused with a 503 and Retry-After. */
        private Integer maxInFlight;

        /** PER_CALL and PER_CALL_POOLED: the worker threads that run calls (and PER_CALL's submit). */
        private Integer poolSize;

        /** SHARED: a callback holding the loop longer than this is logged with the loop's stack. */
        private Duration watchdogThreshold;

        /** How long closing the bridge (at shutdown) waits for its threads to stop. */
        private Duration closeGrace;

        public BridgeMode getMode() {
            return mode;
        }

        public void setMode(BridgeMode mode) {
            this.mode = mode;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Integer getMaxInFlight() {
            return maxInFlight;
        }

        public void setMaxInFlight(Integer maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        public Integer getPoolSize() {
            return poolSize;
        }

        public void setPoolSize(Integer poolSize) {
            this.poolSize = poolSize;
        }

        public Duration getWatchdogThreshold() {
            return watchdogThreshold;
        }

        public void setWatchdogThreshold(Duration watchdogThreshold) {
            this.watchdogThreshold = watchdogThreshold;
        }

        public Duration getCloseGrace() {
            return closeGrace;
        }

        public void setCloseGrace(Duration closeGrace) {
            this.closeGrace = closeGrace;
        }
    }

    /** The {@code loopbridge} health indicator's settings. */
    public static class Health {
        /** A bridge whose smoothed loop lag (admission to start) exceeds this reports DOWN. */
        private Duration maxLoopLag = DEFAULT_MAX_LOOP_LAG;

        public Duration getMaxLoopLag() {
            return maxLoopLag;
        }

        public void setMaxLoopLag(Duration maxLoopLag) {
            this.maxLoopLag = maxLoopLag;
        }
    }
}
