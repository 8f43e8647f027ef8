package io.loopbridge;

import io.loopbridge.internal.SlowCallbackEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a callback that holds a shared loop longer than a threshold, once per callback, with the
 * loop thread's stack at that moment (no Java agent needed). The {@link LibraryTimer} checks each
 * watched loop every half threshold.
 */
final class Watchdog {
    private static final Logger log = LoggerFactory.getLogger(LoopBridge.class);

    /** A watched loop; {@link #cancel()} stops watching it. */
    static final class Registration {
        private final ScheduledFuture<?> future;

        Registration(ScheduledFuture<?> future) {
            this.future = future;
        }

        void cancel() {
            future.cancel(false);
        }
    }

    private Watchdog() {}

    static Registration watch(Supplier<DefaultEventLoop> loop, Duration threshold, String bridge) {
        long thresholdNanos = threshold.toNanos();
        long period = Math.max(thresholdNanos / 2, TimeUnit.MILLISECONDS.toNanos(5));
        long[] lastReported = {0L};
        Runnable check = () -> {
            DefaultEventLoop l = loop.get();
            long since = l == null ? 0L : l.busySince();
            if (since == 0L || since == lastReported[0]) {
                return;
            }
            long held = System.nanoTime() - since;
            if (held >= thresholdNanos) {
                lastReported[0] = since;
                Thread owner = l.owner();
                String stack = stackOf(owner);
                SlowCallbackEvent.emit(l.name(), "(still running)", held, stack);
                log.warn("bridge '{}': a callback has held shared loop '{}' for {} ms (watchdog threshold {} ms); every"
                        + " other call of this bridge waits meanwhile. Move blocking work to loop.runInExecutor(...)."
                        + " Loop thread '{}' is at:{}", bridge, l.name(), held / 1_000_000, threshold.toMillis(),
                        DefaultEventLoop.threadName(owner), stack);
            }
        };
        return new Registration(LibraryTimer.TIMER.scheduleAtFixedRate(check, period, period, TimeUnit.NANOSECONDS));
    }

    private static String stackOf(Thread thread) {
        if (thread == null) {
            return " (no thread)";
        }
        StringBuilder text = new StringBuilder();
        for (StackTraceElement frame : thread.getStackTrace()) {
            text.append("\n\tat ").append(frame);
        }
        return text.toString();
    }
}
