package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract, Bridge: with a JFR recording, every call ends as an {@code io.loopbridge.Call} event
 * (bridge, mode, outcome, elapsed, the thread its body ran on), a callback holding a SHARED loop past
 * the watchdog threshold as {@code io.loopbridge.SlowCallback} with the loop thread's stack, and each
 * open SHARED bridge reports {@code io.loopbridge.LoopLag} periodically; a recording file holds them
 * for {@code jfr print --events io.loopbridge.Call}.
 */
class JfrEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();
    @RegisterExtension
    final LogCapture log = LogCapture.of(LoopBridge.class);
    private final Queue<RecordedEvent> events = new ConcurrentLinkedQueue<>();
    private RecordingStream stream;

    /** A live stream of loopbridge's events; {@code until} counts down on each event named {@code name}. */
    private void stream(String name, CountDownLatch until) {
        stream = new RecordingStream();
        stream.enable("io.loopbridge.Call");
        stream.enable("io.loopbridge.SlowCallback");
        stream.enable("io.loopbridge.LoopLag").withPeriod(Duration.ofMillis(100));
        stream.onEvent(e -> {
            events.add(e);
            if (e.getEventType().getName().equals(name)) {
                until.countDown();
            }
        });
        stream.startAsync();
    }

    @AfterEach
    void closeStream() {
        if (stream != null) {
            stream.close();
        }
    }

    /** Returns once the stream, which starts asynchronously, delivers events: it has seen a call of {@code bridge}. */
    private void awaitStreaming(LoopBridge bridge) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (named("io.loopbridge.Call").isEmpty()) {
            assertThat(System.nanoTime()).as("the recording stream delivered no event").isLessThan(deadline);
            bridge.run(l -> l.sleep(Duration.ofMillis(1)));
        }
    }

    private List<RecordedEvent> named(String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void everyCallEndsAsACallEvent(BridgeMode mode) throws InterruptedException {
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(WAIT));
        CountDownLatch two = new CountDownLatch(2);
        stream("io.loopbridge.Call", two);
        Thread caller = Thread.currentThread();

        // the stream starts asynchronously: call until it has seen the two kinds, then look at the last ones
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        while (!two.await(10, TimeUnit.MILLISECONDS)) {
            bridge.run(l -> {
                ranOn.complete(Thread.currentThread());
                return l.sleep(Duration.ofMillis(1));
            });
            catchThrowable(() -> bridge.run(l -> l.createFuture(), Duration.ofMillis(20)));
        }

        assertThat(named("io.loopbridge.Call")).anySatisfy(e -> {
            assertThat(e.getString("bridge")).isEqualTo(bridge.name());
            assertThat(e.getString("mode")).isEqualTo(mode.name());
            assertThat(e.getString("outcome")).isEqualTo("SUCCESS");
            assertThat(e.getDuration("elapsed")).isGreaterThanOrEqualTo(Duration.ofMillis(1));
            assertThat(e.getThread("ranOn").getJavaName()).isEqualTo(ranOn.join().getName());
        }).anySatisfy(e -> {
            assertThat(e.getString("outcome")).isEqualTo("TIMEOUT");
            assertThat(e.getDuration("elapsed")).isGreaterThanOrEqualTo(Duration.ofMillis(20));
        });
        if (mode == BridgeMode.PER_CALL) {
            assertThat(ranOn.join()).as("PER_CALL runs the body on the caller").isSameAs(caller);
        }
    }

    @Test
    void aCallbackHoldingASharedLoop_slowCallbackEventWithTheLoopStack() throws InterruptedException {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.watchdogThreshold(Duration.ofMillis(50)));
        CountDownLatch slow = new CountDownLatch(1);
        stream("io.loopbridge.SlowCallback", slow);
        awaitStreaming(bridge);

        CompletableFuture<Object> held = bridge.submit(l -> {
            holdingTheLoopOfJfrEventsTest(slow);
            return CompletableFuture.completedFuture(null);
        });

        assertThat(held).succeedsWithin(WAIT);
        assertThat(named("io.loopbridge.SlowCallback")).anySatisfy(e -> {
            assertThat(e.getString("loop")).isEqualTo(bridge.name() + "-shared-1");
            assertThat(e.getDuration("held")).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            assertThat(e.getString("loopStack")).contains("holdingTheLoopOfJfrEventsTest");
        });
    }

    /** Holds the loop thread until the watchdog's event arrived (named so that its stack shows it). */
    private static void holdingTheLoopOfJfrEventsTest(CountDownLatch reported) {
        BridgeFixture.awaitLatch(reported);
    }

    @Test
    void eachOpenSharedBridge_loopLagEventsPeriodically_noneOnceClosed() {
        LoopBridge open = fx.bridge(BridgeMode.SHARED);
        LoopBridge closed = fx.bridge(BridgeMode.SHARED);
        open.run(l -> l.sleep(Duration.ZERO));
        closed.run(l -> l.sleep(Duration.ZERO));
        closed.close();
        CountDownLatch three = new CountDownLatch(3);
        stream("io.loopbridge.LoopLag", three);

        BridgeFixture.awaitLatch(three);

        assertThat(named("io.loopbridge.LoopLag")).extracting(e -> e.getString("bridge")).contains(open.name())
                .doesNotContain(closed.name());
    }

    @Test
    void aRecordingFileHoldsTheEvents(@TempDir Path dir) throws Exception {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL);
        Path file = dir.resolve("recording.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("io.loopbridge.Call");
            recording.start();
            bridge.run(l -> l.sleep(Duration.ZERO));
            recording.stop();
            recording.dump(file);
        }

        assertThat(Files.size(file)).isPositive();
        assertThat(RecordingFile.readAllEvents(file)).filteredOn(e -> e.getEventType().getName().equals("io.loopbridge.Call"))
                .singleElement().satisfies(e -> assertThat(e.getString("bridge")).isEqualTo(bridge.name()));
    }
}
