package io.loopbridge.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import io.loopbridge.spring.EnableLoopBridge;
import io.loopbridge.spring.LoopBridgeConfigurer;
import io.loopbridge.spring.LoopBridgeExceptionHandler;
import io.loopbridge.spring.LoopBridgeRegistry;
import io.loopbridge.spring.LoopBridges;
import io.loopbridge.spring.boot.actuate.LoopBridgeActuatorAutoConfiguration;
import io.loopbridge.spring.boot.actuate.LoopBridgeEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Contract, Spring Boot: what the auto-configuration registers, from which properties, and when it
 * backs off; bad values fail startup naming the property, the value and what is allowed.
 */
class LoopBridgeAutoConfigurationTest {
    private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(LoopBridgeAutoConfiguration.class, LoopBridgeActuatorAutoConfiguration.class));

    @Test
    void noPropertiesAndNoConfigurer_oneSharedDefaultBridge_theAdvice_noEndpointUnlessExposed() {
        web.run(context -> {
            assertThat(context).hasSingleBean(LoopBridges.class).hasSingleBean(LoopBridgeExceptionHandler.class)
                    .hasBean("loopbridgeHealthIndicator");
            LoopBridge bridge = context.getBean(LoopBridge.class);
            assertThat(bridge.name()).isEqualTo(LoopBridgeRegistry.DEFAULT_NAME);
            assertThat(bridge.mode()).isEqualTo(BridgeMode.SHARED);
        });
    }

    @Test
    void eachBridgeOfThePropertiesIsABeanByName_withItsOptions_theChosenDefaultPrimary() {
        web.withPropertyValues("loopbridge.bridges.api.mode=SHARED", "loopbridge.bridges.api.timeout=2s",
                        "loopbridge.bridges.reports.mode=PER_CALL_POOLED", "loopbridge.bridges.reports.pool-size=3",
                        "loopbridge.bridges.reports.max-in-flight=12", "loopbridge.bridges.reports.close-grace=500ms",
                        "loopbridge.default-bridge=reports")
                .withUserConfiguration(NeedsReports.class)
                .run(context -> {
                    assertThat(context).hasBean("api").hasBean("reports");
                    assertThat(context.getBean("api", LoopBridge.class).timeout()).isEqualTo(Duration.ofSeconds(2));
                    LoopBridge reports = context.getBean("reports", LoopBridge.class);
                    assertThat(reports.mode()).isEqualTo(BridgeMode.PER_CALL_POOLED);
                    assertThat(reports.maxInFlight()).isEqualTo(12);
                    assertThat(context.getBean(LoopBridge.class)).as("primary").isSameAs(reports);
                    assertThat(context.getBean(NeedsReports.class).reports).isSameAs(reports);
                    assertThat(context.getBean(LoopBridges.class).get("api")).isSameAs(context.getBean("api"));
                });
    }

    @Test
    void theBridgesCloseWithTheContext_onceEach() {
        web.withPropertyValues("loopbridge.bridges.api.mode=PER_CALL").run(context -> {
            LoopBridge api = context.getBean("api", LoopBridge.class);
            context.close();
            assertThat(api.isClosed()).isTrue();
        });
    }

    @Test
    void aConfigurerOfTheApplicationStillApplies_afterTheProperties() {
        web.withPropertyValues("loopbridge.bridges.api.mode=SHARED").withUserConfiguration(DeclaresBatch.class)
                .run(context -> {
                    LoopBridges bridges = context.getBean(LoopBridges.class);
                    assertThat(bridges.all()).extracting(LoopBridge::name).containsExactly("api", "batch");
                    assertThat(bridges.defaultBridge().name()).isEqualTo("api");
                });
    }

    @Test
    void aConfigurerDeclaringAPropertysBridgeAgain_failsStartupNamingBoth() {
        web.withPropertyValues("loopbridge.bridges.batch.mode=SHARED").withUserConfiguration(DeclaresBatch.class)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("bridge 'batch' was already declared (as bridge 'batch' {mode=SHARED})"));
    }

    @Test
    void theApplicationsOwnEnableLoopBridge_makesItBackOff() {
        web.withPropertyValues("loopbridge.bridges.api.mode=SHARED").withUserConfiguration(OwnLoopBridge.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(LoopBridges.class).doesNotHaveBean("api")
                            .doesNotHaveBean("loopBridgePropertiesConfigurer");
                    assertThat(context.getBean(LoopBridges.class).all()).extracting(LoopBridge::name).containsExactly("batch");
                    assertThat(context).as("the actuator side still serves the application's bridges")
                            .hasBean("loopbridgeHealthIndicator");
                });
    }

    @Test
    void disabledByProperty_orOutsideAServletApplication_nothing() {
        web.withPropertyValues("loopbridge.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(LoopBridges.class).doesNotHaveBean(LoopBridge.class)
                .doesNotHaveBean("loopbridgeHealthIndicator"));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LoopBridgeAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(LoopBridges.class));
    }

    @Test
    void theHealthIndicatorCanBeSwitchedOff_theEndpointAppearsWhenExposed() {
        web.withPropertyValues("management.health.loopbridge.enabled=false",
                        "management.endpoints.web.exposure.include=loopbridge")
                .run(context -> assertThat(context).doesNotHaveBean("loopbridgeHealthIndicator")
                        .hasSingleBean(LoopBridgeEndpoint.class));
    }

    @Test
    void aZeroTimeout_failsStartupNamingThePropertyTheValueAndTheRule() {
        web.withPropertyValues("loopbridge.bridges.api.timeout=0s").run(context -> {
            InvalidBridgePropertyException invalid = failure(context.getStartupFailure());
            assertThat(invalid.property()).isEqualTo("loopbridge.bridges.api.timeout");
            FailureAnalysis analysis = new InvalidBridgePropertyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("'loopbridge.bridges.api.timeout'", "'PT0S'", "expected > 0");
            assertThat(analysis.getAction()).contains("Update 'loopbridge.bridges.api.timeout'");
        });
    }

    @Test
    void aPoolSizeOnASharedBridge_failsStartupNamingTheModeAndTheOption() {
        web.withPropertyValues("loopbridge.bridges.api.mode=SHARED", "loopbridge.bridges.api.pool-size=4").run(context -> {
            InvalidBridgePropertyException invalid = failure(context.getStartupFailure());
            assertThat(invalid.property()).isEqualTo("loopbridge.bridges.api.mode");
            assertThat(invalid.allowed()).contains("poolSize: 4 is not an option of mode SHARED", "choose PER_CALL_POOLED");
        });
    }

    @Test
    void aBridgeNamedAsAnExistingBean_failsStartupSayingSo() {
        web.withPropertyValues("loopbridge.bridges.loopBridge.mode=SHARED").run(context -> {
            InvalidBridgePropertyException invalid = failure(context.getStartupFailure());
            assertThat(invalid.allowed()).contains("already has a bean 'loopBridge'", "give the bridge another name");
        });
    }

    @Test
    void theConfigurationMetadataDescribesTheProperties() throws IOException {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated by spring-boot-configuration-processor").isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(metadata).contains("\"name\": \"loopbridge.bridges\"", "\"name\": \"loopbridge.default-bridge\"",
                "\"name\": \"loopbridge.enabled\"", "\"name\": \"loopbridge.health.max-loop-lag\"",
                "The bridges, by name; each is also a {@code LoopBridge} bean of that name.");
    }

    private static InvalidBridgePropertyException failure(Throwable startup) {
        for (Throwable t = startup; t != null; t = t.getCause()) {
            if (t instanceof InvalidBridgePropertyException invalid) {
                return invalid;
            }
        }
        throw new AssertionError("no InvalidBridgePropertyException in " + startup, startup);
    }

    @Configuration(proxyBeanMethods = false)
    static class NeedsReports {
        final LoopBridge reports;

        NeedsReports(@Qualifier("reports") LoopBridge reports) {
            this.reports = reports;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class DeclaresBatch implements LoopBridgeConfigurer {
        @Override
        public void configureBridges(LoopBridgeRegistry bridges) {
            bridges.bridge("batch").mode(BridgeMode.PER_CALL_POOLED).poolSize(2);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableLoopBridge
    static class OwnLoopBridge {
        @Bean
        LoopBridgeConfigurer batch() {
            return new DeclaresBatch();
        }
    }
}
