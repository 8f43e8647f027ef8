package io.loopbridge.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopbridge.BytecodeDependencies;
import org.junit.jupiter.api.Test;

/** loopbridge-micrometer uses the core's public API only (issue 10): no reference to its internals. */
class MicrometerArtifactTest {

    @Test
    void micrometerBytecode_usesNoCoreInternals() {
        BytecodeDependencies metrics = BytecodeDependencies.of(LoopBridgeMetrics.class);

        assertThat(metrics.referencesTo("io.loopbridge")).as("the check sees real references")
                .anyMatch(edge -> edge.endsWith("-> io.loopbridge.LoopBridge"));
        assertThat(metrics.referencesTo("io.loopbridge.internal")).isEmpty();
    }
}
