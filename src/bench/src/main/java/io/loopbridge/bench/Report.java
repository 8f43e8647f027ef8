package io.loopbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Writes {@code results.md} from a finished {@link Compare} run. Threads: the main thread. */
final class Report {
    private final Compare run;
    private final List<String> charts;
    private PrintWriter md;

    Report(Compare run, List<String> charts) {
        this.run = run;
        this.charts = charts;
    }

    void write(Path file) throws IOException {
        try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(file))) {
            md = writer;
            header();
            targets();
            charts();
            httpTables();
            python();
            jmh();
            files();
        }
    }

    private void header() throws IOException {
        Map<String, String> o = run.options();
        md.println("# loopbridge mode comparison" + (run.quick() ? " (--quick)" : ""));
        md.println();
        md.println("Written " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + " by `"
                + o.getOrDefault("command", "src/bench/compare.sh") + "`.");
        md.println();
        md.println("> **Noisy machine.** This was measured on a shared 2-core VM while other engineers were running builds"
                + " on it. Absolute numbers move by tens of percent from run to run; compare modes **within this run**"
                + " (the cells of one row of the matrix ran back to back, modes interleaved), and read ratios, not"
                + " absolute values. The load generator runs on the same 2 cores as the server.");
        md.println();
        md.println("## Machine, JDK, settings");
        md.println();
        String machine = o.containsKey("machine") && Files.isRegularFile(Path.of(o.get("machine")))
                ? Files.readString(Path.of(o.get("machine"))).strip() : "(no machine description)";
        md.println("```");
        md.println(machine);
        md.println("```");
        md.println();
        md.println("| setting | value |");
        md.println("|---|---|");
        row("JDK (load generator and server)", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        row("server", "embedded Jetty 12 (`CompareServer`) in its own JVM, the built demo WAR at `/`, 127.0.0.1, ephemeral port; "
                + "banner `" + run.serverBanner() + "`");
        row("Jetty thread pool", run.jettyThreads() + " threads (fixed: min = max), so 256 blocked servlet threads fit");
        row("server JVM flags", "`" + String.join(" ", run.serverJvm()) + "`");
        row("bridges", "one per mode; timeout 10 s, maxInFlight 1024 (no 503 at 256 connections), watchdog 100 ms; "
                + "PER_CALL_POOLED pool " + Compare.POOLED_POOL_SIZE + " workers");
        row("load generator", "closed loop, raw HTTP/1.1 keep-alive sockets, one client thread per connection, "
                + "HdrHistogram (3 digits), a request counts when it completes inside the window");
        row("per cell", "warm-up " + run.warm().toMillis() + " ms, then measured " + run.measure().toMillis() + " ms");
        row("global warm-up", "every endpoint " + run.globalWarm().toMillis() + " ms at 16 connections before the matrix");
        row("connections", run.concurrency() + (run.virtual() ? "; the virtual-thread columns (a second server JVM whose"
                + " requests run on virtual threads, Jetty's `threadpool-virtual` way) and `" + String.join("`, `",
                Compare.MANY_ON_PLATFORM.stream().map(Compare.Mode::name).toList()) + "` beside them: "
                + run.virtualConcurrency() : ""));
        row("hello overhead probe", "after the matrix: " + run.probe().size() + " rounds, each running the trivial body at 1"
                + " connection for every mode in turn (100 ms warm-up, " + run.probeMeasure().toMillis() + " ms measured) on"
                + " `/api/overhead/{direct|per-call|pooled|shared}/hello` and `/api/overhead/shared/async/hello`: one"
                + " handler whose only difference between `direct` and a mode is the bridge call. The target uses the"
                + " median p50 of the rounds. (`/api/{mode}/hello` of the matrix also binds the query parameters and"
                + " builds the downstream URI, which `/api/direct/hello` does not: its cells overstate the bridge's cost.)"
                + " The yardsticks `executor` and `executor-async` run in the same rounds; the virtual-thread columns have"
                + " their own rounds on their own server.");
        for (Map.Entry<String, String> note : run.notes().entrySet()) {
            row(note.getKey(), note.getValue());
        }
        if (o.containsKey("times")) {
            row("phase wall times", o.get("times"));
        }
        md.println();
        md.println("Modes (columns of the matrix):");
        md.println();
        for (Compare.Mode mode : columns()) {
            md.println("- `" + mode.name() + "` (`" + mode.prefix() + "{scenario}`): " + mode.what());
        }
        for (Compare.Mode mode : Compare.PROBE_BASELINES) {
            md.println("- `" + mode.name() + "` (the overhead probe only, `" + mode.overheadPath() + "`): " + mode.what());
        }
        md.println();
        md.println("Scenarios:");
        md.println();
        for (Compare.Scenario s : run.scenarios()) {
            md.println("- `" + s.name() + "` (`" + s.path() + "`): " + s.what());
        }
        md.println();
    }

    /** The matrix's columns: the platform modes, then (if measured) the virtual-thread ones. */
    private List<Compare.Mode> columns() {
        List<Compare.Mode> modes = new ArrayList<>(Compare.MODES);
        if (run.virtual()) {
            modes.addAll(Compare.VIRTUAL_MODES);
        }
        return modes;
    }

    private void row(String key, String value) {
        md.println("| " + key + " | " + value + " |");
    }

    // ---- targets ----

    private void targets() {
        md.println("## Targets (ratios within this run)");
        md.println();
        md.println("| target | measured | verdict |");
        md.println("|---|---|---|");
        Optional<Double> directProbe = run.probeMedian("direct");
        for (String mode : List.of("per-call", "pooled", "shared", "servlet-async")) {
            Optional<Double> m = run.probeMedian(mode);
            if (directProbe.isPresent() && m.isPresent()) {
                double over = (m.get() / directProbe.get() - 1) * 100;
                md.printf(Locale.ROOT, "| `hello` p50 of `%s` ≤ 5%% over `direct`, 1 connection, `/api/overhead/...` (median of %d interleaved rounds of %d ms) |"
                                + " %.3f ms vs %.3f ms: **%+.1f%%** (%+.0f µs) | %s |%n", mode, run.probe().size(),
                        run.probeMeasure().toMillis(), m.get(), directProbe.get(), over, (m.get() - directProbe.get()) * 1000,
                        over <= 5 ? "met" : "**missed**");
            }
        }
        probeRatio("shared", "executor", 1.0, "a raw single-thread executor round trip over HTTP");
        probeRatio("servlet-async", "executor-async", 1.1,
                "Spring's asynchronous return of a plain `CompletableFuture` completed on another thread");
        if (run.virtual()) {
            probeRatio("per-call-vt", "direct-vt", 1.05, "`direct` on virtual threads (the bridge's overhead there)");
        }
        for (int c : List.of(1, 16)) {
            Optional<Compare.Cell> d = run.cell("direct", "hello", c);
            for (String mode : List.of("per-call", "pooled", "shared", "servlet-async")) {
                Optional<Compare.Cell> cell = run.cell(mode, "hello", c);
                if (d.isPresent() && cell.isPresent()) {
                    double dm = d.get().result().millisAt(50);
                    double mm = cell.get().result().millisAt(50);
                    md.printf(Locale.ROOT, "| (the matrix's single cell) `hello` p50 of `%s`, %d connection%s | %.3f ms vs %.3f ms: %+.1f%% | %s |%n",
                            mode, c, c == 1 ? "" : "s", mm, dm, (mm / dm - 1) * 100, (mm / dm - 1) * 100 <= 5 ? "met" : "missed");
                }
            }
        }
        Optional<Double> perCallNs = jmhScore("BridgeLatencyBenchmark.trivial", "PER_CALL");
        Optional<Double> asyncioRunUs = pythonMean("asyncio.run per call", "trivial", 1);
        Optional<Double> asyncioRunP50 = pythonValue("asyncio.run per call", "trivial", 1, "p50_us");
        Optional<Double> bareNs = jmhScore("BridgeLatencyBenchmark.loopManagerRun", null);
        if (perCallNs.isPresent() && asyncioRunUs.isPresent()) {
            double ratio = asyncioRunUs.get() * 1000 / perCallNs.get();
            md.printf(Locale.ROOT, "| PER_CALL per-call cost ≥ 100× lower than Python `asyncio.run` (trivial body, 1 caller) | JMH "
                    + "`BridgeLatencyBenchmark.trivial` PER_CALL %,.0f ns/op vs `asyncio.run` mean %.1f µs: **%.0f×** (with"
                    + " the Python p50 of %.1f µs: %.0f×) | %s |%n",
                    perCallNs.get(), asyncioRunUs.get(), ratio, asyncioRunP50.orElse(Double.NaN),
                    asyncioRunP50.orElse(Double.NaN) * 1000 / perCallNs.get(), ratio >= 100 ? "met" : "**missed**");
            bareNs.ifPresent(bare -> md.printf(Locale.ROOT, "| (reference) a bare `LoopManager.run`, Java's `asyncio.run`, vs Python"
                    + " `asyncio.run` | %,.0f ns/op vs %.1f µs: %.0f× | reference |%n", bare, asyncioRunUs.get(),
                    asyncioRunUs.get() * 1000 / bare));
        } else {
            md.println("| PER_CALL ≥ 100× cheaper than `asyncio.run` | not measured (" + (perCallNs.isEmpty() ? "no JMH result" : "")
                    + (asyncioRunUs.isEmpty() ? " no Python anchors (python3 missing?)" : "") + ") | **not measured** |");
        }
        if (run.concurrency().contains(256)) {
            for (String mode : List.of("shared", "per-call", "servlet-async", "direct")) {
                run.cell(mode, "sleep", 256).ifPresent(c -> {
                    double pct = c.result().throughput() / 25_600 * 100;
                    boolean target = mode.equals("shared") || mode.equals("per-call");
                    md.printf(Locale.ROOT, "| %s`%s`, `sleep` 10 ms at 256 connections ≥ 90%% of the ideal 25,600 req/s (Jetty pool %d threads: it "
                                    + "allows it) | %,.0f req/s: **%.1f%%** (server CPU %.2f cores, %.0f µs per request: at 25,600 req/s the server"
                                    + " alone would need %.1f cores of the 2) | %s |%n",
                            target ? "" : "(reference) ", mode, run.jettyThreads(), c.result().throughput(), pct, c.cpuCores(),
                            c.cpuMicrosPerRequest(), c.cpuMicrosPerRequest() * 25_600 / 1e6, !target ? "reference" : pct >= 90 ? "met" : "**missed**");
                });
            }
        }
        if (run.virtual()) {
            for (String scenario : List.of("sleep", Compare.LONG_SLEEP.name(), "aggregate")) {
                for (Compare.Mode m : Compare.MANY_ON_PLATFORM) {
                    String mode = m.name();
                    Optional<Compare.Cell> platform = run.cell(mode, scenario, Compare.MANY_CONNECTIONS);
                    Optional<Compare.Cell> virtual = run.cell(mode + "-vt", scenario, Compare.MANY_CONNECTIONS);
                    if (platform.isPresent() && virtual.isPresent()) {
                        LoadGenerator.Result p = platform.get().result();
                        LoadGenerator.Result v = virtual.get().result();
                        md.printf(Locale.ROOT, "| (reference) `%s` `%s` at %,d connections, on virtual threads vs on %d"
                                        + " platform Jetty threads | %,.0f vs %,.0f req/s (%.2f×), p99 %s vs %s ms, errors %s vs %s"
                                        + " | reference |%n",
                                mode, scenario, Compare.MANY_CONNECTIONS, run.jettyThreads(), v.throughput(), p.throughput(),
                                v.throughput() / p.throughput(), ms(v.millisAt(99)), ms(p.millisAt(99)),
                                v.errors() == 0 ? "0" : Compare.statuses(v), p.errors() == 0 ? "0" : Compare.statuses(p));
                    }
                }
            }
        }
        for (int c : run.concurrency()) {
            run.cell("pooled", "sleep", c).ifPresent(cell -> {
                double cap = Math.min(c, Compare.POOLED_POOL_SIZE) * 100.0;
                md.printf(Locale.ROOT, "| PER_CALL_POOLED `sleep` capped at min(connections, %d workers) / 10 ms, %d connection(s) |"
                                + " %,.0f req/s = %.0f%% of its cap of %,.0f (p99 %.1f ms) | %s |%n", Compare.POOLED_POOL_SIZE, c,
                        cell.result().throughput(), cell.result().throughput() / cap * 100, cap, cell.result().millisAt(99),
                        c > Compare.POOLED_POOL_SIZE ? "cap visible (chart: dashed line)" : "below the cap");
            });
        }
        md.println();
        md.println("What limits the `sleep` cells at 256 connections: the ideal needs 25,600 HTTP requests/s through"
                + " Spring MVC on 2 shared cores; the server CPU per request in the tables below times 25,600 is the"
                + " number of cores the server alone would need, and the load generator needs CPU on the same two"
                + " cores. Where that product is near or above 2 cores, the miss is the machine's, not the loop's;"
                + " the JMH `timer10ms_t256` benchmark (no HTTP, see src/docs/benchmarks.md) isolates the loop.");
        md.println();
    }

    /** A target row: the probe median of {@code mode} at most {@code limit} × that of {@code yardstick}. */
    private void probeRatio(String mode, String yardstick, double limit, String what) {
        Optional<Double> m = run.probeMedian(mode);
        Optional<Double> y = run.probeMedian(yardstick);
        if (m.isEmpty() || y.isEmpty()) {
            return;
        }
        double ratio = m.get() / y.get();
        md.printf(Locale.ROOT, "| `hello` p50 of `%s` ≤ %.2f× `%s`, %s, 1 connection (median of %d interleaved rounds) |"
                        + " %.3f ms vs %.3f ms: **%.3f×** (%+.0f µs) | %s |%n", mode, limit, yardstick, what, run.probe().size(),
                m.get(), y.get(), ratio, (m.get() - y.get()) * 1000, ratio <= limit ? "met" : "**missed**");
    }

    // ---- charts and tables ----

    private void charts() {
        md.println("## Charts");
        md.println();
        md.println("![overview: throughput (top) and p99 latency (bottom) vs connections](overview.png)");
        md.println();
        md.println("One file per chart: " + String.join(", ", charts.stream().skip(1).map(f -> "[" + f + "](" + f + ")").toList())
                + ". In `throughput: sleep` (log scale) the dashed lines are the ideal (connections ÷ 10 ms) and the"
                + " PER_CALL_POOLED cap (" + Compare.POOLED_POOL_SIZE + " workers ÷ 10 ms = 1,600 req/s).");
        md.println();
        if (run.virtual()) {
            md.println("Platform against virtual request threads, to " + Compare.MANY_CONNECTIONS + " connections:");
            md.println();
            for (String file : charts) {
                if (file.startsWith("virtual-")) {
                    md.println("![" + file + "](" + file + ")");
                    md.println();
                }
            }
        }
    }

    private void httpTables() {
        md.println("## HTTP results (Jetty 12, loopback)");
        md.println();
        md.println("Latency in ms. `CPU µs/req` is the server JVM's process CPU time over the whole cell (warm-up and"
                + " measurement) divided by every request sent in it; `cores` is the same CPU time divided by the cell's"
                + " wall time. Both include the server's JIT compiler and GC threads. Threads and heap are the server"
                + " JVM's right after the cell (heap before any GC).");
        for (Compare.Scenario s : run.scenarios()) {
            md.println();
            md.println("### " + s.name());
            md.println();
            md.println("| mode | conns | req/s | p50 | p90 | p99 | p99.9 | max | errors | CPU µs/req | cores | threads | Jetty threads | heap MB | GCs |");
            md.println("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
            for (int c : run.virtual() ? run.virtualConcurrency() : run.concurrency()) {
                for (Compare.Mode m : columns()) {
                    run.cell(m.name(), s.name(), c).ifPresent(cell -> {
                        LoadGenerator.Result r = cell.result();
                        md.printf(Locale.ROOT, "| %s | %d | %,.0f | %s | %s | %s | %s | %s | %s | %.0f | %.2f | %d | %d | %.0f | %d |%n",
                                m.name(), c, r.throughput(), ms(r.millisAt(50)), ms(r.millisAt(90)), ms(r.millisAt(99)),
                                ms(r.millisAt(99.9)), ms(r.latencyNanos().getMaxValue() / 1e6),
                                (r.errors() == 0 ? "0" : Compare.statuses(r)) + (r.completed() < c
                                        ? " (only " + r.completed() + " responses in the window: too short for this cell)" : ""),
                                cell.cpuMicrosPerRequest(), cell.cpuCores(),
                                cell.serverThreadsAfter(), cell.jettyThreadsAfter(), cell.heapUsedAfter() / 1048576.0,
                                cell.gcCount());
                    });
                }
            }
        }
        md.println();
    }

    private static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    // ---- anchors ----

    private JsonNode readJson(String option) {
        String path = run.options().get(option);
        if (path == null || !Files.isRegularFile(Path.of(path))) {
            return null;
        }
        try {
            return Compare.JSON.readTree(Path.of(path).toFile());
        } catch (IOException e) {
            return null;
        }
    }

    private Optional<Double> pythonMean(String pattern, String body, int threads) {
        return pythonValue(pattern, body, threads, "mean_us");
    }

    private Optional<Double> pythonValue(String pattern, String body, int threads, String field) {
        JsonNode py = readJson("python-json");
        if (py == null) {
            return Optional.empty();
        }
        for (JsonNode r : py.path("results")) {
            if (r.path("pattern").asText().equals(pattern) && r.path("body").asText().equals(body)
                    && r.path("threads").asInt() == threads) {
                return Optional.of(r.path(field).asDouble());
            }
        }
        return Optional.empty();
    }

    private void python() {
        md.println("## Python anchors (in-process Python figures, not HTTP)");
        md.println();
        JsonNode py = readJson("python-json");
        if (py == null) {
            md.println("Not measured: `python3` was not found (or the script failed); see compare.log.");
            md.println();
            return;
        }
        md.println("`src/bench/python_anchors.py` (stdlib only), measured in this run on the same machine, before the"
                + " HTTP part. **These rows are in-process Python calls, not HTTP requests**: compare them with the JMH"
                + " table (in-process Java calls), not with the HTTP tables. " + py.path("python").asText() + "; "
                + py.path("settings").asText() + ".");
        md.println();
        md.println("| Python pattern | body | caller threads | calls/s | mean µs/call | p50 µs | p99 µs | calls |");
        md.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (JsonNode r : py.path("results")) {
            md.printf(Locale.ROOT, "| %s | %s | %d | %,.0f | %,.1f | %,.1f | %,.1f | %d |%n", r.path("pattern").asText(),
                    r.path("body").asText(), r.path("threads").asInt(), r.path("calls_per_s").asDouble(),
                    r.path("mean_us").asDouble(), r.path("p50_us").asDouble(), r.path("p99_us").asDouble(),
                    r.path("calls").asLong());
        }
        md.println();
    }

    private Optional<Double> jmhScore(String benchmark, String mode) {
        JsonNode jmh = readJson("jmh-json");
        if (jmh == null) {
            return Optional.empty();
        }
        for (JsonNode b : jmh) {
            if (b.path("benchmark").asText().endsWith(benchmark)
                    && (mode == null || b.path("params").path("mode").asText().equals(mode))) {
                return Optional.of(b.path("primaryMetric").path("score").asDouble());
            }
        }
        return Optional.empty();
    }

    private void jmh() {
        md.println("## JMH: per-call cost of the bridge (in-process, one caller)");
        md.println();
        JsonNode jmh = readJson("jmh-json");
        if (jmh == null || !jmh.isArray() || jmh.isEmpty()) {
            md.println("Not measured (no JMH result; see compare.log).");
            md.println();
            return;
        }
        md.println("`java -jar bridge/core/target/benchmarks.jar " + run.options().getOrDefault("jmh-args", "") + "`"
                + " (classes and meaning: src/docs/benchmarks.md). Score ± 99.9% error, and the median of the iterations.");
        md.println();
        md.println("| benchmark | mode | score | ± error | median | unit |");
        md.println("|---|---|---:|---:|---:|---|");
        for (JsonNode b : jmh) {
            String name = b.path("benchmark").asText();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            JsonNode pm = b.path("primaryMetric");
            List<Double> raw = new ArrayList<>();
            for (JsonNode fork : pm.path("rawData")) {
                for (JsonNode v : fork) {
                    raw.add(v.asDouble());
                }
            }
            double[] sorted = raw.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted.length == 0 ? Double.NaN : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            String error = pm.path("scoreError").isNumber() && !Double.isNaN(pm.path("scoreError").asDouble())
                    ? String.format(Locale.ROOT, "%,.0f", pm.path("scoreError").asDouble()) : "n/a";
            md.printf(Locale.ROOT, "| `%s` | %s | %,.0f | %s | %,.0f | %s |%n", name,
                    b.path("params").path("mode").asText("-"), pm.path("score").asDouble(), error, median,
                    pm.path("scoreUnit").asText());
        }
        md.println();
        Optional<Double> perCall = jmhScore("BridgeLatencyBenchmark.trivial", "PER_CALL");
        Optional<Double> bare = jmhScore("BridgeLatencyBenchmark.loopManagerRun", null);
        if (perCall.isPresent() && bare.isPresent()) {
            md.printf(Locale.ROOT, "PER_CALL `trivial` is %.1f× a bare `LoopManager.run` (the bridge's bookkeeping: timeout,"
                    + " stats, context capture).%n%n", perCall.get() / bare.get());
        }
    }

    private void files() throws IOException {
        md.println("## Files");
        md.println();
        md.println("- `results.csv`: every cell (all columns of the tables above, plus `sent` and GC time)");
        md.println("- `latency.hlog`: HdrHistogram interval log, one histogram per cell, tagged `mode.scenario.cN`"
                + " (values in ns; read with `HistogramLogReader` or HdrHistogram's `HistogramLogProcessor`)");
        md.println("- `python.json`, `jmh.json`: the anchors' raw results; `server.log`: the server JVM's output;"
                + " `compare.log`: the whole command's output");
        md.println("- PNG charts: " + String.join(", ", charts));
        String[] listing = Files.list(run.out()).map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        md.println("- in this directory: " + Arrays.toString(listing));
    }
}
