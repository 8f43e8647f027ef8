package io.loopbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Undeploying the WAR closes the Spring context, so every bridge, so every thread loopbridge started:
 * 20 deploy/use/undeploy cycles in one Jetty leave no {@code loopbridge-} thread behind after each
 * undeploy, the JVM's thread count returns to where it was after the first cycle, and the web apps'
 * class loaders can be collected.
 */
class RedeployIT {
    private static final int CYCLES = 20;
    /** Threads that may come and go outside the web app's control (JIT compiler, GC, Cleaner of the last app). */
    private static final int TOLERANCE = 3;

    @Test
    void redeploy20Times_noLoopbridgeThreadSurvives_threadCountReturnsToBaseline() throws Exception {
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        try (DemoServer server = DemoServer.start()) {
            loaders.add(cycle(server, 0)); // warm-up: JVM-wide threads a first deployment starts for good
            int baseline = JvmProbe.settledThreadCount();

            for (int i = 1; i <= CYCLES; i++) {
                loaders.add(cycle(server, i));
            }

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(JvmProbe.settledThreadCount())
                            .as("live threads (baseline %d): %s", baseline, JvmProbe.threadNames())
                            .isLessThanOrEqualTo(baseline + TOLERANCE));
            // JDK 17 may keep the last web app reachable through a MethodHandle asType cache (JDK-8280473)
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(reachable(loaders)).as("web app class loaders still reachable").isLessThanOrEqualTo(1));
        }
    }

    /** Deploys, uses every bridge (and its loop, worker, blocking and watchdog threads), undeploys. */
    private static WeakReference<ClassLoader> cycle(DemoServer server, int i) throws Exception {
        long start = System.nanoTime();
        server.deploy();
        WeakReference<ClassLoader> loader = new WeakReference<>(server.webappClassLoader());
        List<CompletableFuture<HttpResponse<String>>> calls = List.of("per-call", "pooled", "shared").stream()
                .flatMap(mode -> List.of("api/" + mode + "/hello", "api/" + mode + "/async/sleep?ms=5",
                        "api/" + mode + "/blocking?ms=5", "api/" + mode + "/aggregate?ids=1,2&delayMs=5",
                        "api/" + mode + "/stream?n=2&intervalMs=5").stream())
                .map(server::getAsync).toList();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertThat(call.join().statusCode()).as("cycle %d: %s", i, call.join().uri()).isEqualTo(200);
        }
        assertThat(JvmProbe.loopbridgeThreads()).as("cycle %d: threads while deployed", i).isNotEmpty();

        server.undeploy();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(JvmProbe.loopbridgeThreads()).as("cycle %d: loopbridge threads after undeploy", i).isEmpty());
        System.out.printf("cycle %d: %d ms%n", i, (System.nanoTime() - start) / 1_000_000);
        return loader;
    }

    private static long reachable(List<WeakReference<ClassLoader>> loaders) {
        System.gc();
        return loaders.stream().filter(ref -> ref.get() != null).count();
    }
}
