package io.loopbridge.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopbridge.BytecodeDependencies;
import org.junit.jupiter.api.Test;

/** loopbridge-spring uses the core's public API only (issue 10): no reference to its internals. */
class SpringArtifactTest {

    @Test
    void springBytecode_usesNoCoreInternals() {
        BytecodeDependencies spring = BytecodeDependencies.of(LoopBridges.class);

        assertThat(spring.referencesTo("io.loopbridge")).as("the check sees real references")
                .anyMatch(edge -> edge.endsWith("-> io.loopbridge.LoopBridge"));
        assertThat(spring.referencesTo("io.loopbridge.internal")).isEmpty();
    }
}
