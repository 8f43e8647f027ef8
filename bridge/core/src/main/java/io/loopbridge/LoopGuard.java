package io.loopbridge;

import io.loopbridge.internal.KnownLoops;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one answer behind every refusal to block: does the current thread run an event loop,
 * loopbridge's own or another framework's ({@link ForeignLoopDetector})? With no other framework
 * present the check is one thread-local read and one read of an empty array. Any thread.
 */
final class LoopGuard {
    private static final Logger log = LoggerFactory.getLogger(LoopGuard.class);

    /** The detectors in use; a detector that throws is dropped (copy on write). */
    private static volatile ForeignLoopDetector[] detectors = KnownLoops.load(LoopGuard.class.getClassLoader(),
            System.getProperty(ForeignLoopDetector.DISABLE_PROPERTY, "")).toArray(new ForeignLoopDetector[0]);

    private LoopGuard() {}

    /**
     * The loop the current thread runs: its {@link DefaultEventLoop}, the {@link ForeignLoopDetector}
     * that recognised another framework's loop, or null when the thread may block.
     */
    static Object loopOnThisThread() {
        DefaultEventLoop own = LoopManager.runningLoop();
        if (own != null) {
            return own;
        }
        ForeignLoopDetector[] all = detectors;
        return all.length == 0 ? null : foreignLoop(all);
    }

    private static ForeignLoopDetector foreignLoop(ForeignLoopDetector[] all) {
        Thread thread = Thread.currentThread();
        for (ForeignLoopDetector detector : all) {
            try {
                if (detector.isLoopThread(thread)) {
                    return detector;
                }
            } catch (RuntimeException broken) {
                drop(detector, broken);
            }
        }
        return null;
    }

    private static synchronized void drop(ForeignLoopDetector detector, RuntimeException why) {
        List<ForeignLoopDetector> rest = new ArrayList<>(List.of(detectors));
        if (rest.remove(detector)) {
            detectors = rest.toArray(new ForeignLoopDetector[0]);
            log.warn("loopbridge: the {} loop detector {} threw; it is switched off, and blocking entries on that"
                    + " framework's threads are no longer refused", detector.framework(), detector, why);
        }
    }
}
