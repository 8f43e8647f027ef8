package io.loopbridge;

import io.loopbridge.internal.Checks;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Publishes a bridge's {@link BridgeStats} to Micrometer (optional dependency
 * {@code io.micrometer:micrometer-core}), tagged {@code bridge} and {@code mode}:
 * {@code loopbridge.calls} (tagged {@code outcome}: success, failure, timeout, rejected, nested),
 * {@code loopbridge.calls.inflight}, {@code loopbridge.loops.created}, {@code loopbridge.loops.closed},
 * {@code loopbridge.tasks.leftover}, {@code loopbridge.loop.lag} and {@code loopbridge.loop.lag.max}
 * (seconds).
 *
 * <p>Threads: the registry reads the counters from whichever thread scrapes it; nothing here
 * touches a loop thread.
 */
public final class LoopBridgeMetrics implements MeterBinder {
    private final LoopBridge bridge;

    public LoopBridgeMetrics(LoopBridge bridge) {
        this.bridge = Checks.notNull(bridge, "bridge");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("bridge", bridge.name(), "mode", bridge.mode().name());
        BridgeCounters c = bridge.counters;
        counter(registry, "loopbridge.calls", tags.and("outcome", "success"), c, x -> x.successes.sum());
        counter(registry, "loopbridge.calls", tags.and("outcome", "failure"), c, x -> x.failures.sum());
        counter(registry, "loopbridge.calls", tags.and("outcome", "timeout"), c, x -> x.timeouts.sum());
        counter(registry, "loopbridge.calls", tags.and("outcome", "rejected"), c, x -> x.rejections.sum());
        counter(registry, "loopbridge.calls", tags.and("outcome", "nested"), c, x -> x.nestedRefusals.sum());
        counter(registry, "loopbridge.loops.created", tags, c, x -> x.loopsCreated.sum());
        counter(registry, "loopbridge.loops.closed", tags, c, x -> x.loopsClosed.sum());
        counter(registry, "loopbridge.tasks.leftover", tags, c, x -> x.leftoverTasksCancelled.sum());
        Gauge.builder("loopbridge.calls.inflight", c, x -> x.inFlight.get()).tags(tags)
                .description("calls admitted and not yet finished").register(registry);
        Gauge.builder("loopbridge.loop.lag", bridge, b -> seconds(b.stats().loopLag().toNanos())).tags(tags)
                .baseUnit("seconds").description("smoothed delay from a call's admission to its body starting")
                .register(registry);
        Gauge.builder("loopbridge.loop.lag.max", bridge, b -> seconds(b.stats().maxLoopLag().toNanos())).tags(tags)
                .baseUnit("seconds").register(registry);
    }

    private static void counter(MeterRegistry registry, String name, Tags tags, BridgeCounters counters,
            ToLongFunction<BridgeCounters> value) {
        FunctionCounter.builder(name, counters, x -> value.applyAsLong(x)).tags(tags).register(registry);
    }

    private static double seconds(long nanos) {
        return nanos / (double) TimeUnit.SECONDS.toNanos(1);
    }
}
