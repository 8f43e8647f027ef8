package io.loopbridge;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A manual {@link LoopClock} for deterministic timer tests. A loop parked on a timer does not notice
 * that the clock moved: advance it from a callback of the loop, or wake the loop with
 * {@code callSoonThreadsafe} after advancing it from another thread.
 */
final class FakeClock implements LoopClock {
    private final AtomicLong now;

    FakeClock() {
        this(1_000_000_000L);
    }

    FakeClock(long start) {
        this.now = new AtomicLong(start);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }
}
