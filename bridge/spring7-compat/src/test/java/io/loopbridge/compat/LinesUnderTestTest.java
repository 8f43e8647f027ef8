package io.loopbridge.compat;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.util.Jetty;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;

/** The tests of this module run on the newer lines, not on what the parent pins: Spring 7, Boot 4, Jetty 12.1, Servlet 6.1. */
class LinesUnderTestTest {

    @Test
    void springFramework7_springBoot4_jetty121_servlet61() throws NoSuchMethodException {
        assertThat(SpringVersion.getVersion()).startsWith("7.0.");
        assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");
        assertThat(Jetty.VERSION).startsWith("12.1.");
        // new in Servlet 6.1
        assertThat(jakarta.servlet.http.HttpServletResponse.class.getMethod("sendRedirect", String.class, int.class,
                boolean.class)).isNotNull();
        assertThat(getClass().getClassLoader().getResource("org/springframework/boot/health/contributor/HealthIndicator.class"))
                .as("Boot 4's health API, which the Boot 4 health indicator implements").isNotNull();
    }
}
