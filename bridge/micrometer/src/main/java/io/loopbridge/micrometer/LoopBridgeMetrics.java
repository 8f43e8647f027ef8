package io.loopbridge.micrometer;

import io.loopbridge.BridgeStats;
import io.loopbridge.LoopBridge;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a bridge's {@link BridgeStats} to Micrometer, tagged {@code bridge} and {@code mode}:
 * {@code loopbridge.calls} (tagged {@code outcome}: success, failure, timeout, rejected, nested),
 * {@code loopbridge.calls.inflight}, {@code loopbridge.loops.created}, {@code loopbridge.loops.closed},
 * {@code loopbridge.tasks.leftover}, {@code loopbridge.loop.lag} and {@code loopbridge.loop.lag.max}
 * (seconds). A plain servlet application binds it itself; {@code loopbridge-spring} binds every
 * bridge of a context to its {@code MeterRegistry} beans.
 *
 * <pre>{@code
 * new LoopBridgeMetrics(bridge).bindTo(registry);
 * }</pre>
 *
 * <p>Threads: the registry reads {@link LoopBridge#stats()} on whichever thread scrapes it; nothing
 * here touches a loop thread.
 */
public final class LoopBridgeMetrics implements MeterBinder {
    private final LoopBridge bridge;

    public LoopBridgeMetrics(LoopBridge bridge) {
        this.bridge = Objects.requireNonNull(bridge, "bridge must not be null");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("bridge", bridge.name(), "mode", bridge.mode().name());
        counter(registry, "loopbridge.calls", tags.and("outcome", "success"), BridgeStats::successes);
        counter(registry, "loopbridge.calls", tags.and("outcome", "failure"), BridgeStats::failures);
        counter(registry, "loopbridge.calls", tags.and("outcome", "timeout"), BridgeStats::timeouts);
        counter(registry, "loopbridge.calls", tags.and("outcome", "rejected"), BridgeStats::rejections);
        counter(registry, "loopbridge.calls", tags.and("outcome", "nested"), BridgeStats::nestedRefusals);
        counter(registry, "loopbridge.loops.created", tags, BridgeStats::loopsCreated);
        counter(registry, "loopbridge.loops.closed", tags, BridgeStats::loopsClosed);
        counter(registry, "loopbridge.tasks.leftover", tags, BridgeStats::leftoverTasksCancelled);
        gauge(registry, "loopbridge.calls.inflight", tags, BridgeStats::inFlight)
                .description("calls admitted and not yet finished").register(registry);
        gauge(registry, "loopbridge.loop.lag", tags, s -> seconds(s.loopLag().toNanos())).baseUnit("seconds")
                .description("smoothed delay from a call's admission to its body starting").register(registry);
        gauge(registry, "loopbridge.loop.lag.max", tags, s -> seconds(s.maxLoopLag().toNanos())).baseUnit("seconds")
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, Tags tags, ToDoubleFunction<BridgeStats> value) {
        FunctionCounter.builder(name, bridge, b -> value.applyAsDouble(b.stats())).tags(tags).register(registry);
    }

    private Gauge.Builder<LoopBridge> gauge(MeterRegistry registry, String name, Tags tags,
            ToDoubleFunction<BridgeStats> value) {
        return Gauge.builder(name, bridge, b -> value.applyAsDouble(b.stats())).tags(tags);
    }

    private static double seconds(long nanos) {
        return nanos / (double) TimeUnit.SECONDS.toNanos(1);
    }
}
