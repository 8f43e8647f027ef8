package io.loopbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The soak: the demo WAR on embedded Jetty under a steady, moderate load across every bridge mode
 * ({@link SoakLoad}: every scenario, both entries, streams, refusals, bad input, timeouts), sampled every
 * {@code loopbridge.soak.sampleSeconds} (10) seconds: heap in use after a full GC, live threads, open
 * file descriptors, calls in flight and each mode's p99 latency over the last interval. It fails if
 * any of them trends upward, if any answer is not the one its request must get, or if the bridges'
 * counters do not add up once the load stops.
 *
 * <p>"Trends upward" ({@link Trend}): the series' Sen's slope times the run's length, its rise, is above
 * a floor or a share of the series' median, whichever is larger (the {@link Limit}s below), and the
 * Mann-Kendall test finds the rise significant (p < 1 %). A leak of 100 bytes per request is 12 MiB
 * over the 10-minute run at the default rate, above the heap's 8 MiB floor; a leak of 1 KiB per bridge
 * call fails the 1-minute run (tried: a rise of 11.9 MiB, z 3.0).
 *
 * <p>Length: {@code loopbridge.soak.seconds}, 60 in the normal build, 600 with {@code -Psoak} (which
 * runs only this test; see src/docs/reliability.md). Also {@code loopbridge.soak.rate} (requests per
 * second, 200), {@code loopbridge.soak.clients} (8), {@code loopbridge.soak.warmupSeconds} (15) and
 * {@code loopbridge.soak.seed}. The samples go to {@code target/soak/soak-<seconds>s.csv} and the test's
 * output.
 *
 * <p>Threads: the test thread starts the server and the load, then waits for the sampler
 * ({@code soak-sampler}, which runs the GCs and reads the counters); the load runs on its own threads.
 */
class SoakIT {
    /** The most a series may rise over the run: {@code floor}, or {@code share} of its median if larger. */
    record Limit(double floor, double share) {}

    private static final Limit HEAP_MIB = new Limit(8, 0.10);
    private static final Limit THREADS = new Limit(3, 0);
    private static final Limit OPEN_FDS = new Limit(16, 0);
    private static final Limit IN_FLIGHT = new Limit(8, 0);
    private static final Limit P99_MILLIS = new Limit(20, 0.50);

    /** One sample; {@code p99Millis} per mode, over the interval that ended at {@code seconds}. */
    record Sample(double seconds, double heapMiB, int threads, long openFds, long inFlight, long requests,
            long unexpected, Map<String, Double> p99Millis) {}

    @Test
    void steadyLoadOnEveryMode_noSeriesTrendsUpward_everyAnswerAsExpected() throws Exception {
        long seconds = Long.getLong("loopbridge.soak.seconds", 60);
        long sampleSeconds = Long.getLong("loopbridge.soak.sampleSeconds", 10);
        long warmupSeconds = Long.getLong("loopbridge.soak.warmupSeconds", 15);
        double rate = Double.parseDouble(System.getProperty("loopbridge.soak.rate", "200"));
        int clients = Integer.getInteger("loopbridge.soak.clients", 8);
        long seed = Long.getLong("loopbridge.soak.seed", System.nanoTime());
        if (seconds < 2 * sampleSeconds) {
            throw new IllegalArgumentException("loopbridge.soak.seconds=" + seconds + " gives fewer than two latency"
                    + " samples of loopbridge.soak.sampleSeconds=" + sampleSeconds + ", and a trend needs two: set"
                    + " it to " + 2 * sampleSeconds + " or more, or lower the sample interval");
        }
        System.out.printf(Locale.ROOT, "soak: %d s (+%d s warm-up), %.0f requests/s from %d clients, sample every"
                + " %d s, seed %d; p99 columns: %s%n", seconds, warmupSeconds, rate, clients, sampleSeconds, seed,
                SoakLoad.MODES);

        List<Sample> samples;
        List<String> unexpected;
        long wrong;
        try (DemoServer server = DemoServer.startWithDemo()) {
            SoakLoad load = new SoakLoad(server.address(), clients, rate, seed);
            load.start();
            try {
                sample(server, load, warmupSeconds, 1, sampleSeconds); // the warm-up, discarded
                samples = sample(server, load, 0, (int) (seconds / sampleSeconds) + 1, sampleSeconds);
            } finally {
                load.close();
            }
            unexpected = load.examples();
            wrong = load.unexpectedSinceStart();
            server.assertBridgesSettled(Duration.ofSeconds(15));
        }
        Path csv = writeCsv(samples, seconds);
        System.out.println("soak samples: " + csv.toAbsolutePath());

        long requests = samples.stream().skip(1).mapToLong(Sample::requests).sum();
        double runSeconds = samples.get(samples.size() - 1).seconds();
        System.out.printf(Locale.ROOT, "soak: %d requests answered in %.0f s (%.0f/s), %d unexpected answers (warm-up"
                + " included)%n", requests, runSeconds, requests / runSeconds, wrong);
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(requests).as("requests answered during the run").isGreaterThan((long) (rate * seconds / 2));
        softly.assertThat(wrong).as("answers other than the expected ones, the first few: %s", unexpected).isZero();
        assertNoRise(softly, samples, "heap MiB", HEAP_MIB, Sample::heapMiB);
        assertNoRise(softly, samples, "threads", THREADS, Sample::threads);
        assertNoRise(softly, samples, "open fds", OPEN_FDS, Sample::openFds);
        assertNoRise(softly, samples, "in flight", IN_FLIGHT, Sample::inFlight);
        for (String mode : SoakLoad.MODES) {
            // the first sample's interval is the warm-up's tail; its latency is not part of the run
            assertNoRise(softly, samples.subList(1, samples.size()), "p99 ms of " + mode, P99_MILLIS,
                    s -> s.p99Millis().get(mode));
        }
        softly.assertAll();
    }

    /** Takes {@code count} samples, the first after {@code firstSeconds}, then every {@code everySeconds}. */
    private static List<Sample> sample(DemoServer server, SoakLoad load, long firstSeconds, int count,
            long everySeconds) throws Exception {
        List<Sample> samples = new ArrayList<>(); // the sampler's until taken completes
        CompletableFuture<List<Sample>> taken = new CompletableFuture<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "soak-sampler"));
        long start = System.nanoTime();
        try {
            sampler.scheduleAtFixedRate(() -> {
                try {
                    if (samples.size() < count) {
                        samples.add(sampleNow(server, load, (System.nanoTime() - start) / 1e9));
                        print(samples.get(samples.size() - 1));
                    }
                    if (samples.size() == count) {
                        taken.complete(samples);
                    }
                } catch (RuntimeException | Error e) {
                    taken.completeExceptionally(e);
                }
            }, firstSeconds, everySeconds, TimeUnit.SECONDS);
            return taken.get(firstSeconds + count * everySeconds + 60, TimeUnit.SECONDS);
        } finally {
            sampler.shutdownNow();
        }
    }

    private static Sample sampleNow(DemoServer server, SoakLoad load, double seconds) {
        SoakLoad.Window window = load.window();
        Map<String, Double> p99 = new LinkedHashMap<>();
        window.latencyNanos().forEach((mode, histogram) -> p99.put(mode, histogram.getValueAtPercentile(99) / 1e6));
        long inFlight = 0;
        for (JsonNode bridge : DemoServer.json(server.get("api/stats")).get("bridges")) {
            inFlight += bridge.get("inFlight").asLong();
        }
        return new Sample(seconds, JvmProbe.heapAfterGc() / (1024.0 * 1024.0), JvmProbe.threads(),
                JvmProbe.openFileDescriptors(), inFlight, window.requests(), window.unexpected(), p99);
    }

    private static void print(Sample s) {
        System.out.printf(Locale.ROOT, "t=%5.0fs heap=%6.1f MiB threads=%3d fds=%4d inFlight=%2d requests=%5d"
                + " unexpected=%d p99 ms %s%n", s.seconds(), s.heapMiB(), s.threads(), s.openFds(), s.inFlight(),
                s.requests(), s.unexpected(), p99Columns(s, " "));
    }

    /** The sample's p99 of each mode, in milliseconds, joined by {@code separator}. */
    private static String p99Columns(Sample s, String separator) {
        return String.join(separator, s.p99Millis().values().stream()
                .map(p -> String.format(Locale.ROOT, "%.2f", p)).toList());
    }

    /** The series must not trend upward ({@link Trend#upward}) beyond {@code limit}. */
    private static void assertNoRise(SoftAssertions softly, List<Sample> samples, String series, Limit limit,
            ToDoubleFunction<Sample> value) {
        double[] t = samples.stream().mapToDouble(Sample::seconds).toArray();
        double[] v = samples.stream().mapToDouble(value).toArray();
        Trend trend = Trend.of(t, v);
        double allowed = Math.max(limit.floor(), limit.share() * trend.median());
        String summary = String.format(Locale.ROOT, "%-17s median %8.2f, range [%.2f, %.2f], rise over the run %7.2f"
                + " (allowed %.2f), Mann-Kendall z %5.2f (significant above %.2f)", series, trend.median(),
                Arrays.stream(v).min().orElseThrow(), Arrays.stream(v).max().orElseThrow(), trend.rise(), allowed,
                trend.z(), Trend.Z_ONE_PERCENT);
        System.out.println("soak: " + summary);
        softly.assertThat(trend.upward(allowed)).as("%s trends upward: %s; samples %s", series, summary,
                Arrays.toString(v)).isFalse();
    }

    private static Path writeCsv(List<Sample> samples, long seconds) throws IOException {
        Path csv = Path.of("target", "soak", "soak-" + seconds + "s.csv");
        Files.createDirectories(csv.getParent());
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
            out.println("seconds,heap_mib,threads,open_fds,in_flight,requests,unexpected,"
                    + String.join(",", SoakLoad.MODES.stream().map(m -> "p99_ms_" + m).toList()));
            for (Sample s : samples) {
                out.printf(Locale.ROOT, "%.1f,%.2f,%d,%d,%d,%d,%d,%s%n", s.seconds(), s.heapMiB(), s.threads(),
                        s.openFds(), s.inFlight(), s.requests(), s.unexpected(), p99Columns(s, ","));
            }
        }
        return csv;
    }
}
