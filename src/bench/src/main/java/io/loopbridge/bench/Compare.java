package io.loopbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.HistogramLogWriter;
import org.knowm.xchart.XYChart;

/**
 * The mode comparison (run by {@code src/bench/compare.sh}): starts {@link CompareServer} in its own JVM
 * (the built demo WAR on Jetty 12, 127.0.0.1), warms it up, runs the matrix modes x scenarios x
 * connections with the {@link LoadGenerator}, stops the server, and writes {@code results.md},
 * {@code results.csv}, {@code latency.hlog} and the PNG charts into the output directory, together with
 * the Python anchors and the JMH results that the script measured before (JSON files, if present). On
 * JDK 21+ (unless {@code --no-virtual}) a second server JVM then runs each request on a virtual thread
 * for the columns {@link #VIRTUAL_MODES}, to {@link #MANY_CONNECTIONS} connections.
 *
 * <p>Threads: everything on main, except the load generator's client threads and one thread copying the
 * server's output to {@code server.log}.
 */
public final class Compare {
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A column of the matrix: how one mode is reached ({@code prefix} of the scenarios, null for a yardstick
     * of the overhead probe only; {@code overheadPath} of the probe).
     */
    record Mode(String name, String prefix, String overheadPath, String what) {}

    record Scenario(String name, String path, String what) {}

    /** The server JVM's numbers around one cell. */
    record Cell(Mode mode, Scenario scenario, int connections, LoadGenerator.Result result, long serverCpuNanos,
            long wallNanos, int serverThreadsAfter, int jettyThreadsAfter, long heapUsedAfter, long gcCount, long gcMillis) {
        /** The server's CPU over the whole cell (warm-up and measurement), in cores. */
        double cpuCores() {
            return serverCpuNanos / (double) wallNanos;
        }

        /** The server's CPU over the whole cell divided by every request sent in it (warm-up included). */
        double cpuMicrosPerRequest() {
            return result.sent() == 0 ? Double.NaN : serverCpuNanos / 1e3 / result.sent();
        }
    }

    /** One round of the overhead probe: hello at 1 connection, p50 in ms per mode. */
    record ProbeRound(Map<String, Double> p50ByMode) {}

    static final List<Mode> MODES = List.of(
            new Mode("direct", "/api/direct/", "/api/overhead/direct/hello",
                    "baseline: plain blocking controller, CompletableFuture.join(), no bridge"),
            new Mode("per-call", "/api/per-call/", "/api/overhead/per-call/hello",
                    "PER_CALL: bridge.run, fresh loop on the servlet thread"),
            new Mode("pooled", "/api/pooled/", "/api/overhead/pooled/hello",
                    "PER_CALL_POOLED: bridge.run, fresh loop on a worker of a 16-thread pool"),
            new Mode("shared", "/api/shared/", "/api/overhead/shared/hello",
                    "SHARED: bridge.run, one long-lived loop thread"),
            new Mode("servlet-async", "/api/shared/async/", "/api/overhead/shared/async/hello",
                    "the controller returns bridge.submit(...) of the SHARED bridge (servlet async)"));
    /** Yardsticks of the overhead probe only: the same handler with the body on a raw single-thread executor. */
    static final List<Mode> PROBE_BASELINES = List.of(
            new Mode("executor", null, "/api/overhead/executor/hello",
                    "yardstick of `shared`: the body on a raw single-thread ExecutorService, joined"),
            new Mode("executor-async", null, "/api/overhead/executor/async/hello",
                    "yardstick of `servlet-async`: a plain CompletableFuture completed on that executor, returned to Spring"));
    /** The columns on virtual threads (JDK 21+): a second server JVM that runs each request on a new virtual thread. */
    static final List<Mode> VIRTUAL_MODES = List.of(
            new Mode("direct-vt", "/api/direct/", "/api/overhead/direct/hello",
                    "`direct` on Jetty's virtual threads (a new virtual thread per request)"),
            new Mode("per-call-vt", "/api/per-call/", "/api/overhead/per-call/hello",
                    "`per-call` on Jetty's virtual threads: the loop runs on the request's virtual thread"));
    /** The virtual-thread columns' extra connection count, where 400 platform threads run out. */
    static final int MANY_CONNECTIONS = 1024;
    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("hello", "hello", "trivial body: the bridge's overhead"),
            new Scenario("sleep", "sleep?ms=10", "a 10 ms loop timer (direct: a 10 ms timer future, joined)"),
            new Scenario("aggregate", "aggregate?ids=1,2,3&delayMs=5",
                    "3 concurrent HttpClient calls to /downstream/users/{id} (5 ms each, same server), gathered"),
            new Scenario("cpu", "cpu", "64 chained SHA-256 rounds of 1 KiB (about 100 µs once compiled; measured: the `cpu body` rows above) on the loop (direct: on the request thread)"));
    static final int POOLED_POOL_SIZE = 16; // DemoSettings.poolSize
    /** The platform columns measured at {@link #MANY_CONNECTIONS} too, beside the virtual ones. */
    static final List<Mode> MANY_ON_PLATFORM = List.of(MODES.get(0), MODES.get(1)); // direct, per-call
    /**
     * The virtual-thread columns only: a wait long enough that the platform thread pool, not the 2 cores, is
     * the limit at {@link #MANY_CONNECTIONS} (400 threads / 100 ms = 4,000 req/s).
     */
    static final Scenario LONG_SLEEP = new Scenario("sleep-100ms", "sleep?ms=100",
            "the virtual-thread columns only: a 100 ms loop timer, where 400 platform threads cap at 4,000 req/s");

    private final Map<String, String> options;
    private final boolean quick;
    private final Path out;
    private final List<Integer> concurrency;
    private final Duration warm;
    private final Duration measure;
    private final Duration globalWarm;
    private final int jettyThreads;
    private final List<String> serverJvm;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Cell> cells = new ArrayList<>();
    private final List<ProbeRound> probe = new ArrayList<>();
    private final List<ProbeRound> virtualProbe = new ArrayList<>();
    private final boolean virtual;
    private final List<Integer> virtualConcurrency;
    private final int probeRounds;
    private final Duration probeMeasure;
    private final Map<String, String> notes = new LinkedHashMap<>();
    private InetSocketAddress target;
    private String serverBanner = "";

    private Compare(Map<String, String> options) {
        this.options = options;
        this.quick = options.containsKey("quick");
        this.out = Path.of(options.get("out"));
        this.concurrency = List.of(options.getOrDefault("concurrency", "1,16,64,256").split(",")).stream()
                .map(String::trim).map(Integer::parseInt).toList();
        this.warm = Duration.ofMillis(Long.parseLong(options.getOrDefault("warm-ms", quick ? "100" : "1000")));
        this.measure = Duration.ofMillis(Long.parseLong(options.getOrDefault("measure-ms", quick ? "300" : "2000")));
        this.globalWarm = Duration.ofMillis(Long.parseLong(options.getOrDefault("global-warm-ms", quick ? "200" : "1000")));
        this.jettyThreads = Integer.parseInt(options.getOrDefault("jetty-threads", "400"));
        this.probeRounds = Integer.parseInt(options.getOrDefault("probe-rounds", quick ? "3" : "5"));
        this.probeMeasure = Duration.ofMillis(Long.parseLong(options.getOrDefault("probe-ms", quick ? "300" : "1000")));
        this.virtual = Runtime.version().feature() >= 21 && !options.containsKey("no-virtual");
        this.virtualConcurrency = Stream.concat(concurrency.stream(), Stream.of(MANY_CONNECTIONS))
                .distinct().sorted().toList();
        // 1 GiB: at 1,024 connections the aggregate on virtual threads holds 4,096 connections (1,024 in, 3,072
        // downstream) with their buffers, and a virtual thread's stack lives in the heap; 512 MiB ran out there
        this.serverJvm = List.of("-Xms1g", "-Xmx1g", "-Dloopbridge.demo.maxInFlight=1024",
                "-Dloopbridge.demo.timeoutMs=10000", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    }

    /** {@code --out DIR --war WAR [--quick] [--concurrency 1,16] [--warm-ms N] [--measure-ms N] ...}. */
    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            options.put(key, flag ? "true" : args[++i]);
        }
        new Compare(options).runAll();
    }

    private void runAll() throws Exception {
        Files.createDirectories(out);
        long started = System.nanoTime();
        notes.put("load average before the HTTP matrix", loadAverage());
        Process server = startServer(false);
        try {
            Instant warmStart = Instant.now();
            warmUp(MODES, SCENARIOS);
            notes.put("global warm-up", String.format(Locale.ROOT, "%.1f s (every endpoint, 16 connections, %d ms each)",
                    Duration.between(warmStart, Instant.now()).toMillis() / 1000.0, globalWarm.toMillis()));
            probeCpuBody();
            runMatrix(SCENARIOS, concurrency, MODES);
            if (virtual) {
                runMatrix(virtualScenarios(), List.of(MANY_CONNECTIONS), MANY_ON_PLATFORM);
            }
            runOverheadProbe(Stream.concat(MODES.stream(), PROBE_BASELINES.stream()).toList(), probe);
        } finally {
            stopServer(server);
        }
        if (virtual) {
            server = startServer(true);
            try {
                warmUp(VIRTUAL_MODES, virtualScenarios());
                runMatrix(virtualScenarios(), virtualConcurrency, VIRTUAL_MODES);
                runOverheadProbe(VIRTUAL_MODES, virtualProbe);
            } finally {
                stopServer(server);
            }
        } else {
            notes.put("virtual threads", "not measured: this JDK is " + Runtime.version().feature()
                    + (options.containsKey("no-virtual") ? " and --no-virtual was given" : "") + " (the columns need JDK 21+)");
        }
        notes.put("load average after the HTTP matrix", loadAverage());
        notes.put("HTTP part wall time", String.format(Locale.ROOT, "%.0f s (server start, warm-up, matrix, stop)",
                (System.nanoTime() - started) / 1e9));
        writeCsv();
        writeHistogramLog();
        List<String> charts = writeCharts();
        new Report(this, charts).write(out.resolve("results.md"));
        System.out.println("[compare] wrote " + out.resolve("results.md"));
    }

    // ---- the server JVM ----

    /**
     * The scenarios of the virtual-thread columns: those of the matrix that wait (cpu waits for nothing), and
     * {@link #LONG_SLEEP}.
     */
    static List<Scenario> virtualScenarios() {
        List<Scenario> scenarios = new ArrayList<>(SCENARIOS.stream().filter(s -> !s.name().equals("cpu")).toList());
        scenarios.add(LONG_SLEEP);
        return scenarios;
    }

    private Process startServer(boolean virtualRequests) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(serverJvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CompareServer.class.getName(),
                options.get("war"), Integer.toString(jettyThreads), virtualRequests ? CompareServer.VIRTUAL : "platform"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Process server = builder.start();
        System.out.println("[compare] server JVM pid " + server.pid());
        CompletableFuture<String> banner = new CompletableFuture<>();
        Thread copier = new Thread(() -> {
            String logName = virtualRequests ? "server-virtual.log" : "server.log";
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter log = new PrintWriter(Files.newBufferedWriter(out.resolve(logName)), true)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    log.println(line);
                    if (line.startsWith("PORT=")) {
                        banner.complete(line);
                    }
                }
            } catch (IOException e) {
                banner.completeExceptionally(e);
            }
            banner.completeExceptionally(new IllegalStateException("the server ended before serving; see server.log"));
        }, "server-log");
        copier.setDaemon(true);
        copier.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "stop-server"));
        String started = banner.get(120, TimeUnit.SECONDS);
        serverBanner = serverBanner.isEmpty() ? started : serverBanner + "`, then `" + started;
        int port = Integer.parseInt(started.split(" ")[0].substring("PORT=".length()));
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        System.out.println("[compare] " + started);
        return server;
    }

    private void stopServer(Process server) throws InterruptedException {
        try {
            server.getOutputStream().close(); // CompareServer stops Jetty when its stdin ends
        } catch (IOException ignored) {
            // already gone
        }
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        System.out.println("[compare] server JVM pid " + server.pid() + " ended with " + server.exitValue());
    }

    private JsonNode jvm(String query) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.getPort()
                + "/__jvm" + query)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    // ---- the runs ----

    private void warmUp(List<Mode> modes, List<Scenario> scenarios) throws InterruptedException {
        for (Mode mode : modes) {
            LoadGenerator.run(target, mode.overheadPath(),
                    new LoadGenerator.Settings(4, Duration.ZERO, globalWarm, 1_000_000, Duration.ofSeconds(30)));
        }
        for (Scenario scenario : scenarios) {
            for (Mode mode : modes) {
                LoadGenerator.run(target, mode.prefix() + scenario.path(),
                        new LoadGenerator.Settings(16, Duration.ZERO, globalWarm, 1_000_000, Duration.ofSeconds(30)));
            }
        }
    }

    /** The measured time of the cpu body (its elapsedMicros), median of 25 calls, per thread kind. */
    private void probeCpuBody() throws IOException, InterruptedException {
        for (String mode : List.of("direct", "shared")) {
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + target.getPort() + "/api/" + mode + "/cpu")).build(), HttpResponse.BodyHandlers.ofString());
                micros.add(JSON.readTree(response.body()).path("elapsedMicros").asLong(-1));
            }
            micros.sort(null);
            notes.put("cpu body, " + mode + " (elapsedMicros, median of 25 single calls)", micros.get(12) + " µs");
        }
    }

    private void runMatrix(List<Scenario> scenarios, List<Integer> connectionCounts, List<Mode> modes)
            throws IOException, InterruptedException {
        int total = scenarios.size() * connectionCounts.size() * modes.size();
        int done = 0;
        for (Scenario scenario : scenarios) {
            for (int connections : connectionCounts) {
                for (Mode mode : modes) { // modes interleaved, so drift of the machine's load hits them alike
                    JsonNode before = jvm("");
                    long t0 = System.nanoTime();
                    LoadGenerator.Result result = LoadGenerator.run(target, mode.prefix() + scenario.path(),
                            new LoadGenerator.Settings(connections, warm, measure, 5_000_000, Duration.ofSeconds(30)));
                    long wall = System.nanoTime() - t0;
                    JsonNode after = jvm("");
                    Cell cell = new Cell(mode, scenario, connections, result,
                            after.get("cpuNanos").asLong() - before.get("cpuNanos").asLong(), wall, after.get("threads").asInt(),
                            after.get("jettyThreads").asInt(), after.get("heapUsed").asLong(),
                            after.get("gcCount").asLong() - before.get("gcCount").asLong(),
                            after.get("gcMillis").asLong() - before.get("gcMillis").asLong());
                    cells.add(cell);
                    if (!quick) {
                        jvm("?gc"); // a clean heap for the next cell; its CPU is outside both cells
                    }
                    done++;
                    System.out.printf(Locale.ROOT, "[compare] %2d/%d %-13s %-9s c=%-3d %9.0f req/s p50 %7.2f ms p99 %8.2f ms"
                                    + " errors %s server CPU %.2f cores%n", done, total, mode.name(), scenario.name(),
                            connections, result.throughput(), result.millisAt(50), result.millisAt(99),
                            result.errors() == 0 ? "0" : result.byStatus().toString(), cell.cpuCores());
                }
            }
        }
    }

    /**
     * The hello-overhead target needs p50s that differ by a few percent: the matrix's single cell per mode
     * is too exposed to the noise of a shared machine. This runs hello at 1 connection for every one of
     * {@code modes}, modes interleaved, {@code probeRounds} times, into {@code rounds}; the report uses the
     * median of the rounds.
     */
    private void runOverheadProbe(List<Mode> modes, List<ProbeRound> rounds) throws InterruptedException {
        for (int round = 0; round < probeRounds; round++) {
            Map<String, Double> p50 = new LinkedHashMap<>();
            for (Mode mode : modes) {
                LoadGenerator.Result r = LoadGenerator.run(target, mode.overheadPath(), new LoadGenerator.Settings(1,
                        Duration.ofMillis(100), probeMeasure, 5_000_000, Duration.ofSeconds(30)));
                p50.put(mode.name(), r.millisAt(50));
            }
            rounds.add(new ProbeRound(p50));
            System.out.println("[compare] overhead probe round " + (round + 1) + ": hello p50 ms at 1 connection " + p50);
        }
    }

    /** The median over the probe rounds (of either server) of hello's p50 at 1 connection, in ms. */
    Optional<Double> probeMedian(String mode) {
        double[] v = Stream.concat(probe.stream(), virtualProbe.stream())
                .mapToDouble(r -> r.p50ByMode().getOrDefault(mode, Double.NaN))
                .filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Optional.empty();
        }
        return Optional.of(v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
    }

    List<ProbeRound> probe() {
        return probe;
    }

    /** Whether this run measured the virtual-thread columns (JDK 21+, no {@code --no-virtual}). */
    boolean virtual() {
        return virtual;
    }

    /** Every scenario this run measured: the matrix's, and {@link #LONG_SLEEP} with the virtual-thread columns. */
    List<Scenario> scenarios() {
        List<Scenario> scenarios = new ArrayList<>(SCENARIOS);
        if (virtual) {
            scenarios.add(LONG_SLEEP);
        }
        return scenarios;
    }

    /** The connection counts of the virtual-thread columns: the matrix's and {@link #MANY_CONNECTIONS}. */
    List<Integer> virtualConcurrency() {
        return virtualConcurrency;
    }

    Duration probeMeasure() {
        return probeMeasure;
    }

    // ---- raw outputs ----

    private void writeCsv() throws IOException {
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("results.csv")))) {
            csv.println("mode,scenario,connections,window_s,completed,ok,errors,by_status,throughput_rps,p50_ms,p90_ms,"
                    + "p99_ms,p999_ms,max_ms,mean_ms,server_cpu_ms,server_cpu_us_per_req,server_cpu_cores,"
                    + "server_threads_after,jetty_threads_after,heap_used_mb_after,gc_count,gc_ms,sent");
            for (Cell c : cells) {
                LoadGenerator.Result r = c.result();
                csv.printf(Locale.ROOT, "%s,%s,%d,%.3f,%d,%d,%d,%s,%.1f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.1f,%.1f,%.3f,%d,%d,%.1f,%d,%d,%d%n",
                        c.mode().name(), c.scenario().name(), c.connections(), r.seconds(), r.completed(), r.ok(),
                        r.errors(), statuses(r).replace(',', ';'), r.throughput(), r.millisAt(50), r.millisAt(90),
                        r.millisAt(99), r.millisAt(99.9), r.latencyNanos().getMaxValue() / 1e6,
                        r.latencyNanos().getMean() / 1e6, c.serverCpuNanos() / 1e6, c.cpuMicrosPerRequest(), c.cpuCores(),
                        c.serverThreadsAfter(), c.jettyThreadsAfter(), c.heapUsedAfter() / 1048576.0, c.gcCount(),
                        c.gcMillis(), r.sent());
            }
        }
    }

    private void writeHistogramLog() throws IOException {
        try (OutputStream stream = Files.newOutputStream(out.resolve("latency.hlog"));
             PrintWriter comments = new PrintWriter(stream, true, StandardCharsets.US_ASCII)) {
            HistogramLogWriter log = new HistogramLogWriter(stream);
            log.outputComment("loopbridge mode comparison: one interval histogram per cell, tagged mode.scenario.cN;"
                    + " values in nanoseconds; the Interval_Max column in milliseconds");
            log.outputLogFormatVersion();
            log.outputLegend();
            double t = 0;
            for (Cell c : cells) {
                var h = c.result().latencyNanos().copy();
                h.setTag(c.mode().name() + "." + c.scenario().name() + ".c" + c.connections());
                log.outputIntervalHistogram(t, t + c.result().seconds(), h, 1e6);
                t += c.result().seconds();
            }
        }
    }

    private List<String> writeCharts() throws IOException {
        double[] x = concurrency.stream().mapToDouble(Integer::doubleValue).toArray();
        List<XYChart> throughput = new ArrayList<>();
        List<XYChart> p99 = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (Scenario scenario : SCENARIOS) {
            Map<String, double[]> rps = new LinkedHashMap<>();
            Map<String, double[]> tail = new LinkedHashMap<>();
            for (Mode mode : MODES) {
                rps.put(mode.name(), series(mode, scenario, concurrency, r -> r.throughput()));
                tail.put(mode.name(), series(mode, scenario, concurrency, r -> r.millisAt(99)));
            }
            List<Charts.Line> lines = Charts.lines(rps);
            if (scenario.name().equals("sleep")) {
                lines.add(new Charts.Line("ideal: connections / 10 ms", concurrency.stream()
                        .mapToDouble(c -> c * 100.0).toArray(), true));
                lines.add(new Charts.Line("pooled cap: " + POOLED_POOL_SIZE + " workers / 10 ms", concurrency.stream()
                        .mapToDouble(c -> Math.min(c, POOLED_POOL_SIZE) * 100.0).toArray(), true));
            }
            XYChart t = Charts.chart("throughput: " + scenario.name(), "requests/s (2xx)", x, lines, scenario.name().equals("sleep"));
            XYChart p = Charts.chart("p99 latency: " + scenario.name(), "p99 ms (log)", x, Charts.lines(tail), true);
            Charts.save(t, out.resolve("throughput-" + scenario.name() + ".png"));
            Charts.save(p, out.resolve("p99-" + scenario.name() + ".png"));
            files.add("throughput-" + scenario.name() + ".png");
            files.add("p99-" + scenario.name() + ".png");
            throughput.add(t);
            p99.add(p);
        }
        List<XYChart> all = new ArrayList<>(throughput);
        all.addAll(p99);
        Charts.grid(all, SCENARIOS.size(), out.resolve("overview.png"));
        files.add(0, "overview.png");
        if (virtual) {
            files.addAll(writeVirtualCharts());
        }
        return files;
    }

    /** Per waiting scenario: throughput and p99 of direct and per-call on platform and virtual threads, to 1,024. */
    private List<String> writeVirtualCharts() throws IOException {
        double[] x = virtualConcurrency.stream().mapToDouble(Integer::doubleValue).toArray();
        List<Mode> compared = new ArrayList<>(MANY_ON_PLATFORM);
        compared.addAll(VIRTUAL_MODES);
        List<String> files = new ArrayList<>();
        for (Scenario scenario : virtualScenarios()) {
            Map<String, double[]> rps = new LinkedHashMap<>();
            Map<String, double[]> tail = new LinkedHashMap<>();
            for (Mode mode : compared) {
                rps.put(mode.name(), series(mode, scenario, virtualConcurrency, r -> r.throughput()));
                tail.put(mode.name(), series(mode, scenario, virtualConcurrency, r -> r.millisAt(99)));
            }
            String name = "virtual-" + scenario.name() + ".png";
            Charts.grid(List.of(
                    Charts.chart("throughput: " + scenario.name() + ", platform vs virtual threads", "requests/s (2xx)", x,
                            Charts.lines(rps), scenario.name().startsWith("sleep")),
                    Charts.chart("p99 latency: " + scenario.name() + ", platform vs virtual threads", "p99 ms (log)", x,
                            Charts.lines(tail), true)), 2, out.resolve(name));
            files.add(name);
        }
        return files;
    }

    double[] series(Mode mode, Scenario scenario, List<Integer> connectionCounts,
            java.util.function.ToDoubleFunction<LoadGenerator.Result> f) {
        return connectionCounts.stream().mapToDouble(c -> cell(mode.name(), scenario.name(), c)
                .map(cell -> f.applyAsDouble(cell.result())).orElse(Double.NaN)).toArray();
    }

    java.util.Optional<Cell> cell(String mode, String scenario, int connections) {
        return cells.stream().filter(c -> c.mode().name().equals(mode) && c.scenario().name().equals(scenario)
                && c.connections() == connections).findFirst();
    }

    static String statuses(LoadGenerator.Result r) {
        if (r.errors() == 0) {
            return "";
        }
        return r.byStatus().entrySet().stream().filter(e -> e.getKey() < 200 || e.getKey() >= 300)
                .map(e -> (e.getKey() == LoadGenerator.IO_ERROR ? "io" : e.getKey().toString()) + ": " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    // ---- accessors for the report ----

    Map<String, String> options() {
        return options;
    }

    boolean quick() {
        return quick;
    }

    Path out() {
        return out;
    }

    List<Integer> concurrency() {
        return concurrency;
    }

    Duration warm() {
        return warm;
    }

    Duration measure() {
        return measure;
    }

    Duration globalWarm() {
        return globalWarm;
    }

    int jettyThreads() {
        return jettyThreads;
    }

    List<String> serverJvm() {
        return serverJvm;
    }

    List<Cell> cells() {
        return cells;
    }

    Map<String, String> notes() {
        return notes;
    }

    String serverBanner() {
        return serverBanner;
    }
}
