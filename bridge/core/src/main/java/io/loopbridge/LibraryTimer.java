package io.loopbridge;

import io.loopbridge.internal.DaemonThreads;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The library's one timer thread, off every loop: the deadlines of {@code submit} calls (which must
 * expire even while a loop is stuck or a call waits for a worker) and the shared-loop watchdog.
 * One daemon thread {@code loopbridge-timer-N}, created on first use and ended after 1 s without
 * scheduled work, so an idle application (or an undeployed web app) keeps none. Its tasks are short
 * and never block.
 */
final class LibraryTimer {
    static final ScheduledThreadPoolExecutor TIMER = create();

    private LibraryTimer() {}

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("loopbridge-timer-"));
        timer.setRemoveOnCancelPolicy(true); // a finished call's deadline does not keep the call reachable
        timer.setKeepAliveTime(1, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }
}
