package io.loopbridge;

import io.loopbridge.internal.LoopLagEvent;
import java.util.LinkedHashSet;
import java.util.Set;
import jdk.jfr.FlightRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open SHARED bridges whose loop lag JFR records ({@link LoopLagEvent}). The periodic hook is
 * registered with the first bridge and removed with the last, so JFR holds no reference to a closed
 * bridge or, after an undeploy, to the web app's classes.
 *
 * <p>Threads: {@link #watch} and {@link #unwatch} when a bridge opens or closes (under this class's
 * lock, never on a call's path); the hook on JFR's periodic-task thread.
 */
final class LoopLagEvents {
    private static final Logger log = LoggerFactory.getLogger(LoopLagEvents.class);
    private static final Set<LoopBridge> WATCHED = new LinkedHashSet<>();
    private static final Runnable HOOK = LoopLagEvents::emit;
    private static boolean hooked;

    private LoopLagEvents() {}

    static synchronized void watch(LoopBridge bridge) {
        WATCHED.add(bridge);
        if (!hooked) {
            try {
                FlightRecorder.addPeriodicEvent(LoopLagEvent.class, HOOK);
                hooked = true;
            } catch (RuntimeException unavailable) {
                log.debug("JFR is unavailable in this JVM: no io.loopbridge.LoopLag events", unavailable);
            }
        }
    }

    static synchronized void unwatch(LoopBridge bridge) {
        WATCHED.remove(bridge);
        if (WATCHED.isEmpty() && hooked) {
            FlightRecorder.removePeriodicEvent(HOOK);
            hooked = false;
        }
    }

    private static void emit() {
        LoopBridge[] bridges;
        synchronized (LoopLagEvents.class) {
            bridges = WATCHED.toArray(LoopBridge[]::new);
        }
        for (LoopBridge bridge : bridges) {
            BridgeStats stats = bridge.stats();
            LoopLagEvent.emit(bridge.name(), stats.loopLag().toNanos(), stats.maxLoopLag().toNanos(), stats.inFlight());
        }
    }
}
