package io.loopbridge.spring;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The Micrometer part of {@link EnableLoopBridge}, imported only when loopbridge-micrometer (and so Micrometer) is on the class path:
 * binds {@link io.loopbridge.micrometer.LoopBridgeMetrics} of every bridge to every {@code MeterRegistry} bean
 * (of this context or its parents) once all singletons exist, and removes those meters when the
 * context closes. Without a {@code MeterRegistry} bean it does nothing.
 *
 * <p>Threads: runs on the thread that refreshes or closes the context.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnClassPresent.Micrometer.class)
class LoopBridgeMetricsConfiguration {

    @Bean
    LoopBridgeMeterBinder loopBridgeMeterBinder(LoopBridges bridges, ListableBeanFactory beans) {
        return new LoopBridgeMeterBinder(bridges, beans);
    }
}
