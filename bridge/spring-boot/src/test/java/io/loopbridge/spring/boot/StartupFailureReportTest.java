package io.loopbridge.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Contract, Spring Boot: a real application started with a bad {@code loopbridge.*} value fails with
 * Boot's failure report (no stack to read) naming the property, the value and the allowed values.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTest {

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class EmptyApp {}

    private static Throwable start(String... properties) {
        return catchThrowable(() -> new SpringApplicationBuilder(EmptyApp.class).properties("server.port=0")
                .properties(properties).run().close());
    }

    @Test
    void aModeThatIsNoMode_reportListsTheModes(CapturedOutput output) {
        assertThat(start("loopbridge.bridges.api.mode=SHAREDD")).isNotNull();

        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START",
                "loopbridge.bridges.api.mode", "SHAREDD", "PER_CALL", "PER_CALL_POOLED", "SHARED");
    }

    @Test
    void aValueTheBridgeRefuses_reportNamesThePropertyAndTheRule(CapturedOutput output) {
        assertThat(start("loopbridge.bridges.api.max-in-flight=0")).isNotNull();

        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START",
                "Property 'loopbridge.bridges.api.max-in-flight' has the value '0', which loopbridge refuses",
                "Update 'loopbridge.bridges.api.max-in-flight'");
    }
}
