package io.loopbridge.spring.boot.actuate;

import io.loopbridge.spring.LoopBridges;
import io.loopbridge.spring.boot.LoopBridgeAutoConfiguration;
import io.loopbridge.spring.boot.LoopBridgeProperties;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With the actuator: the {@code loopbridge} health indicator (on Boot 3's or Boot 4's health API,
 * whichever is present; off with {@code management.health.loopbridge.enabled=false}) and the
 * {@code /actuator/loopbridge} endpoint. The meters need nothing here: the bridges bind to every
 * {@code MeterRegistry} bean, Boot's included. Runs on the thread that refreshes the context.
 */
@AutoConfiguration(after = LoopBridgeAutoConfiguration.class)
@ConditionalOnClass(name = LoopBridgeActuatorAutoConfiguration.ENDPOINT_API)
@ConditionalOnBean(LoopBridges.class)
@EnableConfigurationProperties(LoopBridgeProperties.class)
public class LoopBridgeActuatorAutoConfiguration {
    static final String ENDPOINT_API = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";
    /** The health indicator's bean name: Boot reports it as {@code loopbridge}. */
    static final String HEALTH_BEAN = "loopbridgeHealthIndicator";
    private static final String HEALTH_SWITCH = "management.health.loopbridge.enabled";

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = LoopBridgeEndpoint.class)
    LoopBridgeEndpoint loopBridgeEndpoint(LoopBridges bridges) {
        return new LoopBridgeEndpoint(bridges);
    }

    /** Boot 3: {@code org.springframework.boot.actuate.health}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnProperty(name = HEALTH_SWITCH, matchIfMissing = true)
    static class Boot3Health {
        @Bean(HEALTH_BEAN)
        @ConditionalOnMissingBean(name = HEALTH_BEAN)
        Boot3HealthIndicator loopbridgeHealthIndicator(LoopBridges bridges, LoopBridgeProperties properties) {
            return new Boot3HealthIndicator(bridges, properties.getHealth().getMaxLoopLag());
        }
    }

    /** Boot 4: {@code org.springframework.boot.health.contributor}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(name = HEALTH_SWITCH, matchIfMissing = true)
    static class Boot4Health {
        @Bean(HEALTH_BEAN)
        @ConditionalOnMissingBean(name = HEALTH_BEAN)
        Boot4HealthIndicator loopbridgeHealthIndicator(LoopBridges bridges, LoopBridgeProperties properties) {
            return new Boot4HealthIndicator(bridges, properties.getHealth().getMaxLoopLag());
        }
    }
}
