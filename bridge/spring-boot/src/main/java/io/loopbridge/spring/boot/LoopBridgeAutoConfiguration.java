package io.loopbridge.spring.boot;

import io.loopbridge.LoopBridge;
import io.loopbridge.spring.EnableLoopBridge;
import io.loopbridge.spring.LoopBridgeConfiguration;
import io.loopbridge.spring.LoopBridgeConfigurer;
import io.loopbridge.spring.LoopBridges;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * loopbridge in a Spring Boot servlet application, with no annotation: what {@link EnableLoopBridge}
 * registers (the {@link LoopBridges} registry, the default bridge as the primary {@code LoopBridge}
 * bean, the problem-details advice, the cancelling {@code CompletionStage} return path, the meters
 * when Micrometer is present), plus the bridges of the {@code loopbridge.*} properties, each a bean
 * named after it, and a lifecycle that closes them after the web server stopped. The application's
 * {@code LoopBridgeConfigurer} beans still apply; its own {@code @EnableLoopBridge} (or any
 * {@code LoopBridges} bean) makes this back off, and {@code loopbridge.enabled=false} turns it off.
 *
 * <p>Threads: everything here runs on the thread that refreshes or closes the context.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(LoopBridge.class)
@ConditionalOnProperty(prefix = LoopBridgeProperties.PREFIX, name = "enabled", matchIfMissing = true)
@ConditionalOnMissingBean(LoopBridges.class)
@EnableConfigurationProperties(LoopBridgeProperties.class)
@Import(LoopBridgeConfiguration.class)
public class LoopBridgeAutoConfiguration {

    /** The bridges of the properties, declared before those of the application's configurers. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    LoopBridgeConfigurer loopBridgePropertiesConfigurer(LoopBridgeProperties properties) {
        return new PropertiesBridgeConfigurer(properties);
    }

    /** One {@code LoopBridge} bean per bridge of the properties, named after it. */
    @Bean
    static NamedBridgeBeans loopBridgeNamedBeans() {
        return new NamedBridgeBeans();
    }

    /** Closes the bridges after the web server's graceful shutdown. */
    @Bean
    LoopBridgeLifecycle loopBridgeLifecycle(LoopBridges bridges) {
        return new LoopBridgeLifecycle(bridges);
    }
}
