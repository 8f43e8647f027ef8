package io.loopbridge.spring.boot;

import io.loopbridge.LoopBridge;
import io.loopbridge.spring.LoopBridges;
import java.util.Set;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Makes every bridge of {@code loopbridge.bridges.*} a {@code LoopBridge} bean named after it, so
 * {@code @Qualifier("reports") LoopBridge reports} works; each is {@code bridges.get(name)} of the
 * {@link LoopBridges} bean, which closes it. The names are read from the environment before any bean
 * exists (a bridge declared in a {@code LoopBridgeConfigurer} bean is reached through
 * {@code LoopBridges.get}). Runs on the thread that refreshes the context.
 */
final class NamedBridgeBeans implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {
    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        Set<String> names = Binder.get(environment)
                .bind(LoopBridgeProperties.PREFIX + ".bridges", Bindable.mapOf(String.class, Object.class))
                .map(java.util.Map::keySet).orElse(Set.of());
        BeanFactory beans = (BeanFactory) registry;
        for (String name : names) {
            if (registry.containsBeanDefinition(name)) {
                throw new InvalidBridgePropertyException(LoopBridgeProperties.PREFIX + ".bridges." + name, name,
                        "a bridge's name becomes its bean's name, and the context already has a bean '" + name
                                + "' (" + registry.getBeanDefinition(name).getResourceDescription()
                                + "): give the bridge another name", null);
            }
            RootBeanDefinition bridge = new RootBeanDefinition(LoopBridge.class,
                    () -> beans.getBean(LoopBridges.class).get(name));
            bridge.setDestroyMethodName(""); // LoopBridges closes it, after the bridges declared later
            bridge.setDescription("the bridge '" + name + "' of loopbridge.bridges." + name);
            registry.registerBeanDefinition(name, bridge);
        }
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}
}
