package io.loopbridge.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class LoopBridgeConfigurationTest {

    @Configuration
    @EnableLoopBridge
    static class NoConfigurer {}

    @Configuration
    @EnableLoopBridge
    static class TwoBridges implements LoopBridgeConfigurer {
        @Override
        public void configureBridges(LoopBridgeRegistry bridges) {
            bridges.bridge("api").mode(BridgeMode.SHARED).timeout(Duration.ofSeconds(2)).maxInFlight(50);
            bridges.bridge("reports").mode(BridgeMode.PER_CALL_POOLED).poolSize(3).timeout(Duration.ofSeconds(9))
                    .maxInFlight(7);
            bridges.defaultBridge("reports");
        }
    }

    @Configuration
    @EnableLoopBridge
    static class Sloppy implements LoopBridgeConfigurer {
        @Override
        public void configureBridges(LoopBridgeRegistry bridges) {
            bridges.bridge("sloppy").mode(BridgeMode.PER_CALL_POOLED);
        }
    }

    @Configuration
    @EnableLoopBridge
    static class DeclaredTwice implements LoopBridgeConfigurer {
        @Override
        public void configureBridges(LoopBridgeRegistry bridges) {
            bridges.bridge("api").maxInFlight(5);
            bridges.bridge("api");
        }
    }

    @Configuration
    @EnableLoopBridge
    static class WithMeterRegistry {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    // ------------------------------------------------------------------ the default bridge

    @Test
    void noConfigurer_oneSharedDefaultBridge() {
        try (var context = new AnnotationConfigApplicationContext(NoConfigurer.class)) {
            LoopBridges bridges = context.getBean(LoopBridges.class);
            LoopBridge bridge = context.getBean(LoopBridge.class);

            assertThat(bridges.all()).containsExactly(bridge);
            assertThat(bridge.name()).isEqualTo(LoopBridgeRegistry.DEFAULT_NAME);
            assertThat(bridge.mode()).isEqualTo(BridgeMode.SHARED);
            assertThat(bridge.timeout()).isEqualTo(LoopBridgeRegistry.IMPLICIT_TIMEOUT);
            assertThat(bridge.maxInFlight()).isEqualTo(LoopBridgeRegistry.IMPLICIT_MAX_IN_FLIGHT);
            String ran = bridge.run(loop -> loop.sleep(Duration.ofMillis(1)).thenApply(v -> "ran"));
            assertThat(ran).isEqualTo("ran");
        }
    }

    @Test
    void noConfigurer_warnsOnceAboutTheSharedLoop() {
        try (LogRecorder log = LogRecorder.of(LoopBridgeConfiguration.class);
                var context = new AnnotationConfigApplicationContext(NoConfigurer.class)) {
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("one SHARED bridge 'default'", "one blocking callback stalls them all");
        }
    }

    // ------------------------------------------------------------------ configured bridges

    @Test
    void configurer_declaresNamedBridgesWithTheirOptions() {
        try (var context = new AnnotationConfigApplicationContext(TwoBridges.class)) {
            LoopBridges bridges = context.getBean(LoopBridges.class);

            assertThat(bridges.all()).extracting(LoopBridge::name).containsExactly("api", "reports");
            assertThat(bridges.get("api").mode()).isEqualTo(BridgeMode.SHARED);
            assertThat(bridges.get("api").maxInFlight()).isEqualTo(50);
            assertThat(bridges.get("reports").mode()).isEqualTo(BridgeMode.PER_CALL_POOLED);
            assertThat(bridges.get("reports").timeout()).isEqualTo(Duration.ofSeconds(9));
            assertThat(context.getBean(LoopBridge.class)).isSameAs(bridges.get("reports"));
        }
    }

    @Test
    void configurer_allOptionsSet_noWarning() {
        try (LogRecorder log = LogRecorder.of(LoopBridgeConfiguration.class);
                var context = new AnnotationConfigApplicationContext(TwoBridges.class)) {
            assertThat(log.messages(Level.WARN)).isEmpty();
        }
    }

    @Test
    void configurer_unsafeDefaults_listedInOneWarning() {
        try (LogRecorder log = LogRecorder.of(LoopBridgeConfiguration.class);
                var context = new AnnotationConfigApplicationContext(Sloppy.class)) {
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("bridge 'sloppy': timeout not set", "bridge 'sloppy': maxInFlight not set",
                            "bridge 'sloppy': PER_CALL_POOLED without poolSize");
        }
    }

    @Test
    void get_unknownName_listsDeclaredBridges() {
        try (var context = new AnnotationConfigApplicationContext(TwoBridges.class)) {
            LoopBridges bridges = context.getBean(LoopBridges.class);

            assertThatThrownBy(() -> bridges.get("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no bridge named 'nope' (declared: [api, reports])");
            assertThat(bridges.find("nope")).isEmpty();
            assertThat(bridges.find("api")).containsSame(bridges.get("api"));
        }
    }

    @Test
    void bridge_declaredTwice_failsNamingTheEarlierDeclaration() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(DeclaredTwice.class))
                .isInstanceOf(BeanCreationException.class).rootCause()
                .hasMessageContaining("bridge 'api' was already declared (as bridge 'api' {maxInFlight=5})");
    }

    @Test
    void bridgeSpec_invalidOption_namesTheBridgeAndTheValue() {
        LoopBridgeRegistry registry = new LoopBridgeRegistry();

        assertThatThrownBy(() -> registry.bridge("api").timeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bridge 'api': timeout: PT-1S (expected > 0)");
    }

    @Test
    void bridgeSpec_optionSetTwice_namesTheEarlierValue() {
        LoopBridgeRegistry registry = new LoopBridgeRegistry();
        LoopBridge.Builder spec = registry.bridge("api").maxInFlight(5);

        assertThatThrownBy(() -> spec.maxInFlight(6)).isInstanceOf(IllegalStateException.class)
                .hasMessage("bridge 'api': maxInFlight was already set to 5");
    }

    @Test
    void defaultBridge_undeclaredName_fails() {
        LoopBridgeRegistry registry = new LoopBridgeRegistry();
        registry.bridge("api");
        registry.defaultBridge("other");

        assertThatThrownBy(() -> registry.build(new java.util.ArrayList<>())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("defaultBridge('other') names no declared bridge (declared: [api])");
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void contextClose_closesEveryBridge() {
        List<LoopBridge> bridges;
        try (var context = new AnnotationConfigApplicationContext(TwoBridges.class)) {
            bridges = context.getBean(LoopBridges.class).all();
            bridges.get(0).run(loop -> loop.sleep(Duration.ofMillis(1))); // starts the shared loop thread
            assertThat(bridges).noneMatch(LoopBridge::isClosed);
        }
        assertThat(bridges).allMatch(LoopBridge::isClosed);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName).noneMatch(name -> name.startsWith("loopbridge-api-loop-")));
    }

    // ------------------------------------------------------------------ metrics

    @Test
    void meterRegistryBean_everyBridgeBound() {
        try (var context = new AnnotationConfigApplicationContext(WithMeterRegistry.class)) {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(LoopBridge.class).run(loop -> loop.sleep(Duration.ofMillis(1)));

            assertThat(registry.get("loopbridge.calls").tag("bridge", "default").tag("outcome", "success")
                    .functionCounter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void contextClose_removesTheBridgesMeters() {
        SimpleMeterRegistry registry;
        try (var context = new AnnotationConfigApplicationContext(WithMeterRegistry.class)) {
            registry = (SimpleMeterRegistry) context.getBean(MeterRegistry.class);
            assertThat(registry.find("loopbridge.calls.inflight").gauges()).hasSize(1);
        }
        assertThat(registry.find("loopbridge.calls.inflight").gauges()).isEmpty();
    }
}
