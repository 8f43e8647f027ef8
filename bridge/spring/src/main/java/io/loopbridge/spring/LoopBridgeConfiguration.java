package io.loopbridge.spring;

import io.loopbridge.LoopBridge;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * What {@link EnableLoopBridge} imports: the {@link LoopBridges} bean built from every
 * {@link LoopBridgeConfigurer}, the default bridge as a {@link LoopBridge} bean, and, when their
 * libraries are on the class path, the Spring Web MVC support ({@link LoopBridgeWebMvcConfiguration})
 * and the Micrometer binding ({@link LoopBridgeMetricsConfiguration}).
 *
 * <p>Threads: its bean methods run on the thread that refreshes the context; the bridges are closed
 * by the thread that closes it.
 */
@Configuration(proxyBeanMethods = false)
@Import({LoopBridgeWebMvcConfiguration.class, LoopBridgeMetricsConfiguration.class})
public class LoopBridgeConfiguration {
    private static final Logger log = LoggerFactory.getLogger(LoopBridgeConfiguration.class);

    /** Every bridge of the context, closed with it. */
    @Bean(destroyMethod = "close")
    public LoopBridges loopBridges(ObjectProvider<LoopBridgeConfigurer> configurers) {
        LoopBridgeRegistry registry = new LoopBridgeRegistry();
        configurers.orderedStream().forEach(c -> c.configureBridges(registry));
        List<String> warnings = new ArrayList<>();
        LoopBridges bridges = registry.build(warnings);
        if (!warnings.isEmpty()) {
            log.warn("loopbridge: defaults that are unsafe under load (declare the bridges in a LoopBridgeConfigurer"
                    + " bean to size them):\n  - {}", String.join("\n  - ", warnings));
        }
        log.info("loopbridge: {}", bridges);
        return bridges;
    }

    /**
     * The default bridge, primary among the {@code LoopBridge} beans (so a plain {@code LoopBridge}
     * parameter gets it); closed by {@link LoopBridges}, not by this bean definition.
     */
    @Bean(destroyMethod = "")
    @Primary
    public LoopBridge loopBridge(LoopBridges bridges) {
        return bridges.defaultBridge();
    }
}
