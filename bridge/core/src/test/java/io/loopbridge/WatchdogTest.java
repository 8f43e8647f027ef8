package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bridge, SHARED: a callback holding the shared loop longer than the watchdog threshold is logged
 * once, through SLF4J (logger {@code io.loopbridge.LoopBridge}), with the loop name, the duration and
 * the loop thread's stack.
 */
class WatchdogTest {
    private static final Duration THRESHOLD = Duration.ofMillis(50);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();
    @RegisterExtension
    final LogCapture log = LogCapture.of(LoopBridge.class);

    private List<String> watchdogWarnings() {
        return log.events(Level.WARN).stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("watchdog")).collect(Collectors.toList());
    }

    /** Submits a body whose callback holds the loop thread until {@code release} opens; waits until it does. */
    private static void holdLoop(LoopBridge bridge, CountDownLatch release) {
        CountDownLatch started = new CountDownLatch(1);
        bridge.submit(l -> {
            started.countDown();
            slowCallbackOfWatchdogTest(release);
            return CompletableFuture.completedFuture(null);
        });
        BridgeFixture.awaitLatch(started);
    }

    /** Named so that the logged stack can be recognised. */
    private static void slowCallbackOfWatchdogTest(CountDownLatch release) {
        BridgeFixture.hold(release);
    }

    // ------------------------------------------------------------------ a callback holding the loop

    @Test
    void callbackHoldsLoopBeyondThreshold_loggedWithLoopNameDurationAndStack() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.watchdogThreshold(THRESHOLD));
        CountDownLatch release = fx.latch();

        holdLoop(bridge, release);
        await().atMost(Duration.ofSeconds(5)).until(() -> !watchdogWarnings().isEmpty());
        release.countDown();

        String warning = watchdogWarnings().get(0);
        assertThat(warning)
                .contains("'" + bridge.name() + "-shared-1'")
                .contains(BridgeFixture.threadPrefix(bridge) + "loop-")
                .containsPattern("for \\d+ ms")
                .contains("threshold " + THRESHOLD.toMillis() + " ms")
                .contains("slowCallbackOfWatchdogTest")
                .contains("CountDownLatch.await");
    }

    @Test
    void callbackHoldsLoopBeyondThreshold_reportedDurationAtLeastThreshold() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.watchdogThreshold(THRESHOLD));
        CountDownLatch release = fx.latch();

        holdLoop(bridge, release);
        await().atMost(Duration.ofSeconds(5)).until(() -> !watchdogWarnings().isEmpty());
        release.countDown();

        Matcher held = Pattern.compile("for (\\d+) ms").matcher(watchdogWarnings().get(0));
        assertThat(held.find()).isTrue();
        assertThat(Long.parseLong(held.group(1))).isGreaterThanOrEqualTo(THRESHOLD.toMillis());
    }

    @Test
    void callbackHoldsLoopLong_loggedOnlyOnce() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.watchdogThreshold(THRESHOLD));
        CountDownLatch release = fx.latch();

        holdLoop(bridge, release);
        await().atMost(Duration.ofSeconds(5)).until(() -> !watchdogWarnings().isEmpty());

        // the watchdog checks every half threshold: many checks pass while the same callback still holds the loop
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2))
                .until(() -> watchdogWarnings().size() == 1);
        release.countDown();
    }

    @Test
    void twoSlowCallbacks_eachLogged() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.watchdogThreshold(THRESHOLD));
        CountDownLatch first = fx.latch();
        CountDownLatch second = fx.latch();

        holdLoop(bridge, first);
        await().atMost(Duration.ofSeconds(5)).until(() -> watchdogWarnings().size() == 1);
        first.countDown();
        holdLoop(bridge, second);

        await().atMost(Duration.ofSeconds(5)).until(() -> watchdogWarnings().size() == 2);
        second.countDown();
    }

    @Test
    void idleOrQuickLoop_notLogged() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.watchdogThreshold(Duration.ofMillis(500)));

        for (int i = 0; i < 100; i++) {
            bridge.run(l -> l.sleep(Duration.ZERO));
        }

        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> watchdogWarnings().isEmpty());
    }

    @Test
    void bridgeClosed_slowCallbackNoLongerWatched() {
        Duration threshold = Duration.ofMillis(300); // close() comes well before the callback has held the loop this long
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.watchdogThreshold(threshold).closeGrace(Duration.ZERO));
        bridge.run(l -> CompletableFuture.completedFuture(null));
        CountDownLatch release = fx.latch();
        CountDownLatch started = new CountDownLatch(1);
        bridge.submit(l -> {
            started.countDown();
            BridgeFixture.holdUninterruptibly(release);
            return CompletableFuture.completedFuture(null);
        });
        BridgeFixture.awaitLatch(started);

        bridge.close();

        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> watchdogWarnings().isEmpty());
        release.countDown();
    }
}
