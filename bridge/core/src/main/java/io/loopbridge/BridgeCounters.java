package io.loopbridge;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** A bridge's counters: written by callers, workers and loop threads; read by {@link #snapshot}. */
final class BridgeCounters {
    final LongAdder calls = new LongAdder();
    final LongAdder successes = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder rejections = new LongAdder();
    final LongAdder nestedRefusals = new LongAdder();
    final LongAdder loopsCreated = new LongAdder();
    final LongAdder loopsClosed = new LongAdder();
    final LongAdder leftoverTasksCancelled = new LongAdder();
    /** Admitted and not finished; the maxInFlight bound is enforced on it. */
    final AtomicLong inFlight = new AtomicLong();
    /** Exponentially smoothed admission-to-start delay (weight 1/8), and its maximum, in nanoseconds. */
    private final AtomicLong lagNanos = new AtomicLong();
    private final AtomicLong maxLagNanos = new AtomicLong();

    void recordLag(long nanos) {
        long old = lagNanos.get();
        lagNanos.lazySet(old + ((nanos - old) >> 3)); // a racy update is fine for a smoothed metric
        if (nanos > maxLagNanos.get()) {
            maxLagNanos.accumulateAndGet(nanos, Math::max);
        }
    }

    BridgeStats snapshot(String name, BridgeMode mode) {
        return new BridgeStats(name, mode, calls.sum(), successes.sum(), failures.sum(), timeouts.sum(),
                rejections.sum(), nestedRefusals.sum(), inFlight.get(), loopsCreated.sum(), loopsClosed.sum(),
                leftoverTasksCancelled.sum(), Duration.ofNanos(lagNanos.get()), Duration.ofNanos(maxLagNanos.get()));
    }
}
