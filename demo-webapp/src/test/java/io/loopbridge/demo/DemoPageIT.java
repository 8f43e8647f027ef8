package io.loopbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page as a person uses it: headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs) loads {@code /}, runs a burst by clicking, and the result table shows
 * every mode; a screenshot is saved under {@code target/screenshots/}. Everything stays on 127.0.0.1.
 */
class DemoPageIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
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
    void page_burstOfEveryMode_resultTableAndChart() throws Exception {
        browser.get(server.uri("").toString());
        assertThat(browser.getTitle()).startsWith("loopbridge demo");
        new Select(browser.findElement(By.id("scenario"))).selectByValue("sleep");
        setValue("requests", "24");
        setValue("concurrency", "6");

        browser.findElement(By.id("run")).click();

        new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(b -> b.findElement(By.id("status")).getText().equals("done"));
        List<WebElement> rows = browser.findElements(By.cssSelector("#results tbody tr"));
        assertThat(rows).extracting(row -> row.getAttribute("data-mode"))
                .containsExactly("direct", "per-call", "pooled", "shared");
        for (WebElement row : rows) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            assertThat(cells.get(1).getText()).as("requests of %s", row.getAttribute("data-mode")).isEqualTo("24");
            assertThat(cells.get(2).getText()).as("ok of %s", row.getAttribute("data-mode")).isEqualTo("24");
            assertThat(cells.get(3).getText()).as("errors of %s", row.getAttribute("data-mode")).isEqualTo("0");
            assertThat(Double.parseDouble(cells.get(4).getText())).as("p50 ms, 20 ms sleep").isGreaterThanOrEqualTo(20);
        }
        assertThat(browser.findElements(By.cssSelector("#chart svg rect"))).hasSize(3 * 4);
        saveScreenshot("demo-page.png");
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
