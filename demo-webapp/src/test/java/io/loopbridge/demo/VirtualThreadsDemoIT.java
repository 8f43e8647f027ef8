package io.loopbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo on virtual threads ({@code -Dloopbridge.demo.virtualThreads=true}, issue 14): on JDK 21+ (the
 * failsafe execution {@code virtual-threads} runs this class again on Temurin 25) Jetty runs every request
 * on a new virtual thread, PER_CALL runs its loop on it, and the guard still refuses a nested loop; on an
 * older JDK the web app refuses to start, naming the property and the fix.
 *
 * <p>Threads: the test thread drives real HTTP; Jetty serves on {@code it-jetty-vt-N} virtual threads.
 */
class VirtualThreadsDemoIT {
    private static final int JDK = Runtime.version().feature();

    @ParameterizedTest(name = "/api/{0}/hello")
    @ValueSource(strings = {"direct", "per-call", "overhead/per-call"})
    void onJdk21_everyRequestAndThePerCallLoopRunOnAVirtualThread(String mode) throws Exception {
        assumeThat(JDK).as("virtual threads need JDK 21+; this is %d (the execution virtual-threads runs it on 25)", JDK)
                .isGreaterThanOrEqualTo(DemoSettings.VIRTUAL_THREADS_JDK);
        try (DemoServer server = DemoServer.startWithDemoOnVirtualThreads()) {
            HttpResponse<String> response = server.get("api/" + mode + "/hello");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(DemoServer.json(response).get("thread").asText()).startsWith(DemoServer.VIRTUAL_THREAD_PREFIX);
        }
    }

    @Test
    void onJdk21_theGuardRefusesANestedLoopAndAnAggregateFansOut() throws Exception {
        assumeThat(JDK).as("virtual threads need JDK 21+; this is %d", JDK)
                .isGreaterThanOrEqualTo(DemoSettings.VIRTUAL_THREADS_JDK);
        try (DemoServer server = DemoServer.startWithDemoOnVirtualThreads()) {
            HttpResponse<String> nested = server.get("api/per-call/nested");
            assertThat(nested.statusCode()).as(nested.body()).isEqualTo(500);
            assertThat(DemoServer.json(nested).get("type").asText()).isEqualTo("urn:loopbridge:problem:nested-loop");

            HttpResponse<String> aggregate = server.get("api/per-call/aggregate?ids=1,2,3&delayMs=5");
            assertThat(aggregate.statusCode()).as(aggregate.body()).isEqualTo(200);
            JsonNode users = DemoServer.json(aggregate).get("users");
            assertThat(users).hasSize(3);
        }
    }

    @Test
    void beforeJdk21_theWebAppRefusesToStartNamingThePropertyAndTheFix() throws Exception {
        assumeThat(JDK).as("on JDK %d virtual threads exist: nothing to refuse", JDK)
                .isLessThan(DemoSettings.VIRTUAL_THREADS_JDK);
        String before = System.setProperty(DemoSettings.VIRTUAL_THREADS, "true");
        try (DemoServer server = DemoServer.start()) {
            assertThatThrownBy(server::deploy).hasStackTraceContaining(DemoSettings.VIRTUAL_THREADS + "=true needs JDK 21")
                    .hasStackTraceContaining("JAVA_HOME");
        } finally {
            if (before == null) {
                System.clearProperty(DemoSettings.VIRTUAL_THREADS);
            } else {
                System.setProperty(DemoSettings.VIRTUAL_THREADS, before);
            }
        }
    }
}
