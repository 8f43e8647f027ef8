package io.loopbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page as a person uses it: headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs) loads {@code /} and runs bursts by clicking. The server-side figures it
 * shows are checked against the {@code Server-Timing} headers the server sent (read from DevTools'
 * network log, not from the page); also an all-failing burst, the {@code cpu} scenario and the layout
 * at 400 px. Screenshots are saved under {@code target/screenshots/}. Everything stays on 127.0.0.1.
 */
class DemoPageIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final List<String> MODES = List.of("direct", "per-call", "pooled", "shared");
    static final ObjectMapper JSON = new ObjectMapper();
    static DemoServer server;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(System.getProperty("loopbridge.it.browser", "run")).as("-Dloopbridge.it.browser=skip").isNotEqualTo("skip");
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER + ": apt-get"
                    + " install -y chromium chromium-driver (as .ci/run does), or skip it with -Dloopbridge.it.browser=skip");
        }
        server = DemoServer.startWithDemo();
        Path profile = Files.createTempDirectory("loopbridge-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--user-data-dir=" + profile, "--window-size=1200,1600");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL); // DevTools' network events: the headers the server really sent
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void page_burstOfEveryMode_serverFiguresAreTheServerTimingHeaders_modesInterleavedAfterAWarmUp() throws Exception {
        load();
        runBurst("sleep", "ms=20", 24, 4);

        assertThat(rows()).extracting(row -> row.getAttribute("data-mode")).containsExactlyElementsOf(MODES);
        Map<String, List<Exchange>> exchanges = exchangesByMode(performanceLog());
        for (WebElement row : rows()) {
            String mode = row.getAttribute("data-mode");
            assertThat(number(row, "ok")).as("ok of %s", mode).isEqualTo(24);
            assertThat(number(row, "errors")).as("errors of %s", mode).isZero();
            assertThat(number(row, "browser-p50")).as("browser p50 of %s, a 20 ms sleep", mode).isGreaterThanOrEqualTo(20);
            assertThat(number(row, "server-p50")).as("server p50 of %s", mode).isGreaterThanOrEqualTo(20)
                    .isLessThanOrEqualTo(number(row, "browser-p50")); // each answer's server time is within its browser time

            List<Exchange> sent = exchanges.get(mode);
            assertThat(sent).filteredOn(Exchange::warmup).as("warm-ups of %s", mode).hasSize(4);
            List<Double> measured = sent.stream().filter(e -> !e.warmup()).map(e -> e.serverTiming().get("handler")).sorted().toList();
            assertThat(measured).as("measured answers of %s with a Server-Timing handler", mode).hasSize(24);
            assertThat(number(row, "server-p50")).isCloseTo(percentile(measured, 50), within(0.051));
            assertThat(number(row, "server-p95")).isCloseTo(percentile(measured, 95), within(0.051));
            assertThat(number(row, "server-max")).isCloseTo(measured.get(measured.size() - 1), within(0.051));
        }
        // interleaved: the last mode's first measured request went out before the first mode's last one
        assertThat(exchanges.get("shared").stream().filter(e -> !e.warmup()).mapToLong(Exchange::order).min().orElseThrow())
                .isLessThan(exchanges.get("direct").stream().mapToLong(Exchange::order).max().orElseThrow());
        assertThat(browser.findElements(By.cssSelector("#chart svg rect"))).hasSize(3 * MODES.size());
        assertThat(browser.findElements(By.cssSelector("#problems li"))).isEmpty();
        saveScreenshot("demo-page.png");
    }

    @Test
    void page_allFailingBurst_countsPerStatusAndTheProblem_noLatencyBars() {
        load();
        runBurst("sleep", "ms=-1", 6, 0);

        for (WebElement row : rows()) {
            String mode = row.getAttribute("data-mode");
            assertThat(number(row, "ok")).as("ok of %s", mode).isZero();
            assertThat(number(row, "errors")).as("errors of %s", mode).isEqualTo(6);
            assertThat(text(row, "browser-p50")).isEqualTo("\u2013");
            assertThat(text(row, "server-max")).isEqualTo("\u2013");
            assertThat(text(row, "rps")).as("a small rate with one decimal").isEqualTo("0.0");
        }
        assertThat(browser.findElements(By.cssSelector("#problems li"))).extracting(WebElement::getText)
                .hasSize(MODES.size()).allSatisfy(problem -> assertThat(problem)
                        .contains("6 \u00d7 400", "Bad parameter: ms", "-1", "[0, 10000]"));
        assertThat(browser.findElements(By.cssSelector("#chart svg rect"))).isEmpty();
        assertThat(browser.findElement(By.cssSelector("#chart svg")).getText()).contains("no successes");
    }

    @Test
    void page_cpuScenario_fromTheCatalog_everyModeWithItsBounds() {
        load();
        assertThat(browser.findElement(By.cssSelector("#bounds li[data-endpoint=cpu]")).getText())
                .contains("rounds 1\u2013" + CpuWork.MAX_ROUNDS + " (" + CpuWork.DEFAULT_ROUNDS + ")");

        runBurst("cpu", "rounds=200", 8, 2);

        assertThat(rows()).extracting(row -> row.getAttribute("data-mode")).containsExactlyElementsOf(MODES);
        assertThat(rows()).allSatisfy(row -> assertThat(number(row, "ok")).isEqualTo(8));
    }

    @Test
    void page_at400PixelsWide_tableAndChartFit() throws Exception {
        Dimension before = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(400, 1400));
        try {
            load();
            runBurst("aggregate", "ids=1,2,3,4&delayMs=20&timeoutMs=500&fail=3", 6, 0);

            long viewport = (Long) js("return window.innerWidth");
            assertThat(viewport).as("the viewport").isLessThanOrEqualTo(400);
            assertThat((Long) js("return document.documentElement.scrollWidth")).as("the page's width").isLessThanOrEqualTo(viewport);
            assertThat(right("#results")).as("the table's right edge").isLessThanOrEqualTo(viewport);
            assertThat(right("#chart svg")).as("the chart's right edge").isLessThanOrEqualTo(viewport);
            saveScreenshot("demo-page-400px.png");
        } finally {
            browser.manage().window().setSize(before);
        }
    }

    @Test
    void page_nestedButton_showsTheGuardsAnswer() {
        browser.get(server.uri("").toString());

        browser.findElement(By.id("nested")).click();

        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(b -> b.findElement(By.id("single")).getText().contains("-> 500"));
        assertThat(browser.findElement(By.id("single")).getText()).contains("Nested event loop refused");
    }

    @Test
    void page_streamButton_showsTicksFromTheLoopUntilDone() {
        browser.get(server.uri("").toString());

        browser.findElement(By.id("stream")).click();

        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(b -> b.findElement(By.id("single")).getText().contains("done {"));
        String shown = browser.findElement(By.id("single")).getText();
        assertThat(shown).contains("tick {\"i\":0,\"thread\":\"loopbridge-per-call-worker-", "tick {\"i\":9,");
    }

    private static void load() {
        browser.get(server.uri("").toString());
        assertThat(browser.getTitle()).startsWith("loopbridge demo");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> b.findElement(By.id("run")).isEnabled());
        performanceLog(); // drops the page load's entries
    }

    /** Sets the burst's fields, clicks run and waits for "done". */
    private static void runBurst(String scenario, String params, int requests, int warmup) {
        new Select(browser.findElement(By.id("scenario"))).selectByValue(scenario);
        setValue("params", params);
        setValue("requests", Integer.toString(requests));
        setValue("warmup", Integer.toString(warmup));
        setValue("concurrency", "6");
        browser.findElement(By.id("run")).click();
        new WebDriverWait(browser, Duration.ofSeconds(90))
                .until(b -> b.findElement(By.id("status")).getText().matches("done|failed.*"));
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("done");
    }

    private static List<WebElement> rows() {
        return browser.findElements(By.cssSelector("#results tbody tr"));
    }

    private static String text(WebElement row, String column) {
        return row.findElement(By.cssSelector("td[data-col='" + column + "']")).getText();
    }

    private static double number(WebElement row, String column) {
        return Double.parseDouble(text(row, column));
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static double right(String selector) {
        return ((Number) js("return document.querySelector(\"" + selector + "\").getBoundingClientRect().right")).doubleValue();
    }

    /** The nearest-rank percentile, as the page computes it. */
    private static double percentile(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** One request the browser sent to a scenario, and the answer's {@code Server-Timing}, from DevTools' log. */
    record Exchange(long order, boolean warmup, Map<String, Double> serverTiming) {}

    /** The DevTools network events since the last call, as JSON {@code message}s. */
    private static List<JsonNode> performanceLog() {
        List<JsonNode> events = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                events.add(JSON.readTree(entry.getMessage()).get("message"));
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + entry.getMessage(), e);
            }
        }
        return events;
    }

    /** The burst's requests by mode ({@code /api/{mode}/...}), in the order the browser sent them. */
    private static Map<String, List<Exchange>> exchangesByMode(List<JsonNode> events) {
        Map<String, Long> order = new HashMap<>();
        Map<String, Boolean> warmup = new HashMap<>();
        Map<String, List<Exchange>> byMode = new LinkedHashMap<>();
        for (JsonNode event : events) {
            JsonNode params = event.get("params");
            String method = event.get("method").asText();
            if (method.equals("Network.requestWillBeSent") && params.at("/request/url").asText().contains("/api/")) {
                order.put(params.get("requestId").asText(), (long) order.size());
                warmup.put(params.get("requestId").asText(), params.at("/request/headers").has("X-Loopbridge-Warmup"));
            } else if (method.equals("Network.responseReceived") && order.containsKey(params.get("requestId").asText())) {
                String id = params.get("requestId").asText();
                String path = URI.create(params.at("/response/url").asText()).getPath();
                String mode = path.substring(path.indexOf("/api/") + 5).split("/")[0];
                String timing = header(params.at("/response/headers"), "Server-Timing");
                byMode.computeIfAbsent(mode, m -> new ArrayList<>()).add(new Exchange(order.get(id), warmup.get(id),
                        DemoServer.serverTiming(timing)));
            }
        }
        return byMode;
    }

    private static String header(JsonNode headers, String name) {
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue().asText();
            }
        }
        throw new AssertionError("no " + name + " in " + headers);
    }

    private static void setValue(String id, String value) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    private static void saveScreenshot(String name) throws Exception {
        Path dir = Path.of(System.getProperty("demo.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
