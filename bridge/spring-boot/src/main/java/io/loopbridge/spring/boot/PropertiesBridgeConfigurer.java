package io.loopbridge.spring.boot;

import io.loopbridge.LoopBridge;
import io.loopbridge.spring.LoopBridgeConfigurer;
import io.loopbridge.spring.LoopBridgeRegistry;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Declares the bridges of {@code loopbridge.bridges.*} (before any configurer of the application, which
 * may declare more), and {@code loopbridge.default-bridge}. A value the builder refuses fails startup
 * with {@link InvalidBridgePropertyException} naming the property. Runs on the thread that refreshes
 * the context.
 */
final class PropertiesBridgeConfigurer implements LoopBridgeConfigurer {
    private final LoopBridgeProperties properties;

    PropertiesBridgeConfigurer(LoopBridgeProperties properties) {
        this.properties = properties;
    }

    @Override
    public void configureBridges(LoopBridgeRegistry registry) {
        for (Map.Entry<String, LoopBridgeProperties.Bridge> entry : properties.getBridges().entrySet()) {
            declare(registry, entry.getKey(), entry.getValue());
        }
        if (properties.getDefaultBridge() != null) {
            registry.defaultBridge(properties.getDefaultBridge());
        }
    }

    private static void declare(LoopBridgeRegistry registry, String name, LoopBridgeProperties.Bridge bridge) {
        String prefix = LoopBridgeProperties.PREFIX + ".bridges." + name + ".";
        LoopBridge.Builder builder = registry.bridge(name);
        apply(prefix + "mode", bridge.getMode(), builder::mode);
        apply(prefix + "timeout", bridge.getTimeout(), builder::timeout);
        apply(prefix + "max-in-flight", bridge.getMaxInFlight(), builder::maxInFlight);
        apply(prefix + "pool-size", bridge.getPoolSize(), builder::poolSize);
        apply(prefix + "watchdog-threshold", bridge.getWatchdogThreshold(), builder::watchdogThreshold);
        apply(prefix + "close-grace", bridge.getCloseGrace(), builder::closeGrace);
        // an option the mode does not use: the mode and that option conflict; the message names the option
        apply(prefix + "mode", builder.options().getOrDefault("mode", LoopBridge.DEFAULT_MODE), m -> builder.validate());
    }

    /** Sets one option unless it was left out; the builder's refusal becomes one naming the property. */
    private static <V> void apply(String property, V value, Consumer<V> option) {
        if (value == null) {
            return;
        }
        try {
            option.accept(value);
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw new InvalidBridgePropertyException(property, value, refused.getMessage(), refused);
        }
    }
}
