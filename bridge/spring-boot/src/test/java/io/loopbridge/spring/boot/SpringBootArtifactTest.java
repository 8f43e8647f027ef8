package io.loopbridge.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopbridge.BytecodeDependencies;
import org.junit.jupiter.api.Test;

/** loopbridge-spring-boot uses the public API of the core and of loopbridge-spring only: no core internals. */
class SpringBootArtifactTest {

    @Test
    void bootBytecode_usesNoCoreInternals() {
        BytecodeDependencies boot = BytecodeDependencies.of(LoopBridgeAutoConfiguration.class);

        assertThat(boot.referencesTo("io.loopbridge")).as("the check sees real references")
                .anyMatch(edge -> edge.endsWith("-> io.loopbridge.spring.LoopBridges"));
        assertThat(boot.referencesTo("io.loopbridge.internal")).isEmpty();
    }
}
