package io.loopbridge;

import java.time.Duration;

/**
 * A snapshot of a bridge's counters. Every call ends as exactly one of success, failure, timeout,
 * rejection or nested refusal, so {@code calls == successes + failures + timeouts + rejections +
 * nestedRefusals + inFlight} (up to calls finishing while the snapshot is taken).
 *
 * @param name the bridge's name
 * @param mode the bridge's mode
 * @param calls calls made ({@code run} and {@code submit})
 * @param successes calls whose body completed normally
 * @param failures calls that failed (the body's exception, cancellation, interruption, a dead loop)
 * @param timeouts calls that failed with {@link LoopTimeoutException}, or with a
 *     {@link java.util.concurrent.TimeoutException} of the body's own (an expired {@code loop.timeout})
 * @param rejections calls refused by {@code maxInFlight} ({@link BridgeRejectedException})
 * @param nestedRefusals calls refused by the nested-loop guard ({@link NestedLoopException})
 * @param inFlight calls admitted and not yet finished
 * @param loopsCreated event loops created (one per call in the per-call modes)
 * @param loopsClosed event loops closed
 * @param leftoverTasksCancelled tasks still pending when a per-call body completed, cancelled
 * @param loopLag smoothed delay between a call's admission and its body starting on the loop (0 for
 *     PER_CALL {@code run}, whose body starts on the caller's own thread)
 * @param maxLoopLag the largest such delay seen
 */
public record BridgeStats(String name, BridgeMode mode, long calls, long successes, long failures, long timeouts,
        long rejections, long nestedRefusals, long inFlight, long loopsCreated, long loopsClosed,
        long leftoverTasksCancelled, Duration loopLag, Duration maxLoopLag) {}
