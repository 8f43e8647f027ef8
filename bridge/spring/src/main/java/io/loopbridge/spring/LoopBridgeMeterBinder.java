package io.loopbridge.spring;

import io.loopbridge.LoopBridge;
import io.loopbridge.micrometer.LoopBridgeMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Binds every bridge of a context to every {@link MeterRegistry} bean once the context's singletons
 * exist, and removes the bridges' meters again when the context closes, so that a registry that
 * outlives the context (a global one, a parent context's) keeps no reference to closed bridges or to
 * an undeployed web app.
 *
 * <p>Threads: both callbacks run on the thread that refreshes, respectively closes, the context.
 */
final class LoopBridgeMeterBinder implements SmartInitializingSingleton, DisposableBean {
    private final LoopBridges bridges;
    private final ListableBeanFactory beans;
    /** The registries bound to; written at startup, read at close, both on the context's thread. */
    private final List<MeterRegistry> bound = new ArrayList<>();
    /** One binder per bridge, whose latency listeners close() removes. */
    private final List<LoopBridgeMetrics> metrics = new ArrayList<>();

    LoopBridgeMeterBinder(LoopBridges bridges, ListableBeanFactory beans) {
        this.bridges = bridges;
        this.beans = beans;
    }

    @Override
    public void afterSingletonsInstantiated() {
        bridges.all().forEach(bridge -> metrics.add(new LoopBridgeMetrics(bridge)));
        for (MeterRegistry registry : BeanFactoryUtils.beansOfTypeIncludingAncestors(beans, MeterRegistry.class).values()) {
            metrics.forEach(m -> m.bindTo(registry));
            bound.add(registry);
        }
    }

    /** The registries the bridges' meters were bound to. */
    List<MeterRegistry> registries() {
        return List.copyOf(bound);
    }

    @Override
    public void destroy() {
        metrics.forEach(LoopBridgeMetrics::close);
        metrics.clear();
        Set<String> names = bridges.all().stream().map(LoopBridge::name).collect(Collectors.toSet());
        for (MeterRegistry registry : bound) {
            List<Meter> ours = registry.getMeters().stream()
                    .filter(m -> m.getId().getName().startsWith("loopbridge.") && names.contains(m.getId().getTag("bridge")))
                    .toList();
            ours.forEach(registry::remove);
        }
        bound.clear();
    }
}
