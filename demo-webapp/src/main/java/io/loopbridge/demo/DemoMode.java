package io.loopbridge.demo;

import io.loopbridge.BridgeMode;
import java.util.Arrays;
import java.util.List;

/**
 * The modes the demo compares, as they appear in URLs ({@code /api/{mode}/...}); each has one bridge
 * named like it. Threads: immutable, any thread.
 */
enum DemoMode {
    PER_CALL("per-call", BridgeMode.PER_CALL),
    POOLED("pooled", BridgeMode.PER_CALL_POOLED),
    SHARED("shared", BridgeMode.SHARED);

    final String path;
    final BridgeMode bridgeMode;

    DemoMode(String path, BridgeMode bridgeMode) {
        this.path = path;
        this.bridgeMode = bridgeMode;
    }

    static List<String> paths() {
        return Arrays.stream(values()).map(m -> m.path).toList();
    }

    /** The mode whose URL segment is {@code path}; a 400 naming the valid ones otherwise. */
    static DemoMode of(String path) {
        for (DemoMode mode : values()) {
            if (mode.path.equals(path)) {
                return mode;
            }
        }
        throw new BadParameterException("mode", path, "one of " + paths() + " (or 'direct' for hello, sleep, aggregate)");
    }
}
