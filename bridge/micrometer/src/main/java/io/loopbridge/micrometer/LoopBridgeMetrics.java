package io.loopbridge.micrometer;

import io.loopbridge.BridgeStats;
import io.loopbridge.CallListener;
import io.loopbridge.CallOutcome;
import io.loopbridge.LoopBridge;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a bridge's {@link BridgeStats} to Micrometer, tagged {@code bridge} and {@code mode}:
 * {@code loopbridge.calls} (tagged {@code outcome}: success, failure, timeout, rejected, nested),
 * {@code loopbridge.calls.inflight}, {@code loopbridge.loops.created}, {@code loopbridge.loops.closed},
 * {@code loopbridge.tasks.leftover}, {@code loopbridge.loop.lag} and {@code loopbridge.loop.lag.max}
 * (seconds), and the timer {@value #LATENCY} (tagged {@code outcome}: success, failure, timeout) of
 * every admitted call from admission to its end. A plain servlet application binds it itself;
 * {@code loopbridge-spring} binds every bridge of a context to its {@code MeterRegistry} beans.
 *
 * <pre>{@code
 * LoopBridgeMetrics metrics = new LoopBridgeMetrics(bridge);
 * metrics.bindTo(registry);
 * ...
 * metrics.close(); // stops recording latencies (the meters stay in the registry until removed)
 * }</pre>
 *
 * <p>Threads: the registry reads {@link LoopBridge#stats()} on whichever thread scrapes it; the
 * latency timer is recorded on the thread that ends each call (a {@link io.loopbridge.CallListener});
 * {@link #bindTo} and {@link #close} on any thread.
 */
public final class LoopBridgeMetrics implements MeterBinder, AutoCloseable {
    /** The name of the latency timer. */
    public static final String LATENCY = "loopbridge.call.latency";
    private final LoopBridge bridge;
    /** The latency listeners of every registry bound to, removed by close(). */
    private final List<CallListener.Registration> listeners = new CopyOnWriteArrayList<>();

    public LoopBridgeMetrics(LoopBridge bridge) {
        this.bridge = Objects.requireNonNull(bridge, "bridge must not be null");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("bridge", bridge.name(), "mode", bridge.mode().name());
        Timer[] latency = new Timer[CallOutcome.values().length];
        for (CallOutcome outcome : CallOutcome.values()) {
            latency[outcome.ordinal()] = Timer.builder(LATENCY).tags(tags.and("outcome", tag(outcome)))
                    .description("from a call's admission to its end").register(registry);
        }
        listeners.add(bridge.addCallListener((b, outcome, nanos) ->
                latency[outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS)));
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

    /** Stops recording latencies into every registry bound to; the meters themselves stay. Idempotent. */
    @Override
    public void close() {
        listeners.forEach(CallListener.Registration::close);
        listeners.clear();
    }

    /** The {@code outcome} tag: the same words as {@code loopbridge.calls}. */
    static String tag(CallOutcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT);
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
