package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract, Bridge: {@code LoopBridge.builder().mode(...).timeout(...).maxInFlight(...).poolSize(...)
 * .name(...).build()}; every option applied, set at most once (the error names the earlier value),
 * bad values refused naming the value; {@code close()}, {@code run} and {@code LoopManager.run}
 * declare no checked exceptions.
 */
class LoopBridgeBuilderTest {
    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    private LoopBridge track(LoopBridge bridge) {
        return fx.track(bridge);
    }

    // ------------------------------------------------------------------ defaults

    @Test
    void builder_noOptions_isSharedWith30sTimeoutAnd1024InFlight() {
        LoopBridge bridge = track(LoopBridge.builder().build());

        assertThat(bridge.mode()).isEqualTo(BridgeMode.SHARED);
        assertThat(bridge.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(bridge.maxInFlight()).isEqualTo(1024);
    }

    @Test
    void builder_noName_generatesDistinctBridgeNames() {
        LoopBridge first = track(LoopBridge.builder().build());
        LoopBridge second = track(LoopBridge.builder().build());

        assertThat(first.name()).startsWith("bridge-");
        assertThat(second.name()).startsWith("bridge-").isNotEqualTo(first.name());
    }

    @Test
    void perCallFactory_buildsPerCallBridge() {
        LoopBridge bridge = track(LoopBridge.perCall());

        String value = bridge.run(l -> CompletableFuture.completedFuture("ok"));

        assertThat(bridge.mode()).isEqualTo(BridgeMode.PER_CALL);
        assertThat(value).isEqualTo("ok");
    }

    @Test
    void sharedFactory_buildsSharedBridge() {
        LoopBridge bridge = track(LoopBridge.shared());

        String value = bridge.run(l -> CompletableFuture.completedFuture("ok"));

        assertThat(bridge.mode()).isEqualTo(BridgeMode.SHARED);
        assertThat(value).isEqualTo("ok");
    }

    // ------------------------------------------------------------------ each option is applied

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void mode_isApplied(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode);

        assertThat(bridge.mode()).isEqualTo(mode);
        assertThat(bridge.stats().mode()).isEqualTo(mode);
    }

    @Test
    void name_namesSharedLoopThreadAndLoop() {
        LoopBridge bridge = track(LoopBridge.builder().mode(BridgeMode.SHARED).name("api-orders").build());

        String[] seen = bridge.run(l -> CompletableFuture.completedFuture(
                new String[] {Thread.currentThread().getName(), l.name()}));

        assertThat(bridge.name()).isEqualTo("api-orders");
        assertThat(seen[0]).startsWith("loopbridge-api-orders-loop-");
        assertThat(seen[1]).isEqualTo("api-orders-shared-1");
    }

    @Test
    void name_namesPooledWorkersAndPerCallLoops() {
        LoopBridge bridge = track(LoopBridge.builder().mode(BridgeMode.PER_CALL_POOLED).name("api-users").build());

        String[] seen = bridge.run(l -> CompletableFuture.completedFuture(
                new String[] {Thread.currentThread().getName(), l.name()}));

        assertThat(seen[0]).startsWith("loopbridge-api-users-worker-");
        assertThat(seen[1]).isEqualTo("api-users-call");
    }

    @Test
    void name_namesStats() {
        LoopBridge bridge = track(LoopBridge.builder().mode(BridgeMode.PER_CALL).name("api-stats").build());

        assertThat(bridge.stats().name()).isEqualTo("api-stats");
    }

    @Test
    void timeout_isDefaultTimeoutOfRun() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(Duration.ofMillis(150)));

        Throwable thrown = catchThrowable(() -> bridge.run(l -> l.createFuture()));

        assertThat(bridge.timeout()).isEqualTo(Duration.ofMillis(150));
        assertThat(thrown).isInstanceOf(LoopTimeoutException.class);
        assertThat(((LoopTimeoutException) thrown).timeout()).isEqualTo(Duration.ofMillis(150));
    }

    @Test
    void timeout_isDefaultTimeoutOfSubmit() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(Duration.ofMillis(150)));

        CompletableFuture<Object> future = bridge.submit(l -> l.createFuture());

        Throwable thrown = catchThrowable(future::join);
        assertThat(thrown).hasCauseInstanceOf(LoopTimeoutException.class);
        assertThat(((LoopTimeoutException) thrown.getCause()).timeout()).isEqualTo(Duration.ofMillis(150));
    }

    @Test
    void maxInFlight_boundsCallsInFlight() {
        LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.maxInFlight(1));
        CompletableFuture<Object> held = bridge.submit(l -> l.await(fx.gate()));

        Throwable thrown = catchThrowable(() -> bridge.run(l -> CompletableFuture.completedFuture("x")));

        assertThat(bridge.maxInFlight()).isEqualTo(1);
        assertThat(thrown).isInstanceOf(BridgeRejectedException.class);
        assertThat(((BridgeRejectedException) thrown).maxInFlight()).isEqualTo(1);
        assertThat(held).isNotDone();
    }

    @Test
    void poolSize_boundsPooledWorkers() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL_POOLED, b -> b.poolSize(2));
        CountDownLatch release = fx.latch();
        AtomicInteger started = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();

        CompletableFuture<?>[] calls = new CompletableFuture<?>[3];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = bridge.submit(l -> {
                started.incrementAndGet();
                threads.add(Thread.currentThread().getName());
                return l.runInExecutor(() -> {
                    BridgeFixture.hold(release);
                    return null;
                });
            });
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> started.get() == 2);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> started.get() == 2);
        release.countDown();
        assertThat(CompletableFuture.allOf(calls)).succeedsWithin(Duration.ofSeconds(5));
        assertThat(started).hasValue(3);
        assertThat(threads).hasSize(2).allMatch(n -> n.startsWith(BridgeFixture.threadPrefix(bridge) + "worker-"));
    }

    @Test
    void poolSize_boundsWorkersOfPerCallSubmit() {
        LoopBridge bridge = fx.bridge(BridgeMode.PER_CALL, b -> b.poolSize(1));
        CountDownLatch release = fx.latch();
        AtomicInteger started = new AtomicInteger();

        CompletableFuture<Object> first = bridge.submit(l -> {
            started.incrementAndGet();
            return l.runInExecutor(() -> {
                BridgeFixture.hold(release);
                return null;
            });
        });
        CompletableFuture<Object> second = bridge.submit(l -> {
            started.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> started.get() == 1);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> started.get() == 1);
        release.countDown();
        assertThat(CompletableFuture.allOf(first, second)).succeedsWithin(Duration.ofSeconds(5));
        assertThat(started).hasValue(2);
    }

    @Test
    void closeGrace_zero_isAccepted() {
        Integer value;
        try (LogCapture quiet = LogCapture.of(LoopBridge.class)) { // with no grace, close() warns of its thread
            LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.closeGrace(Duration.ZERO));
            value = bridge.run(l -> CompletableFuture.completedFuture(1));
            bridge.close();
        }

        assertThat(value).isEqualTo(1);
    }

    @Test
    void defaults_areTheNamedConstants() {
        LoopBridge bridge = track(LoopBridge.builder().build());

        assertThat(bridge.mode()).isEqualTo(LoopBridge.DEFAULT_MODE);
        assertThat(bridge.timeout()).isEqualTo(LoopBridge.DEFAULT_TIMEOUT);
        assertThat(bridge.maxInFlight()).isEqualTo(LoopBridge.DEFAULT_MAX_IN_FLIGHT);
        assertThat(LoopBridge.defaultPoolSize()).isEqualTo(Math.min(32, Runtime.getRuntime().availableProcessors() + 4));
    }

    // ------------------------------------------------------------------ options the mode does not use

    @Test
    void poolSize_onShared_isRefusedNamingOptionAndMode() {
        LoopBridge.Builder builder = LoopBridge.builder().name("one-loop").mode(BridgeMode.SHARED).poolSize(8);

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bridge 'one-loop': poolSize: 8 is not an option of mode SHARED")
                .hasMessageContaining("PER_CALL_POOLED");
    }

    @Test
    void poolSize_withDefaultMode_isRefused() {
        assertThatThrownBy(() -> LoopBridge.builder().poolSize(8).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("poolSize: 8 is not an option of mode SHARED");
    }

    @ParameterizedTest
    @EnumSource(value = BridgeMode.class, names = {"PER_CALL", "PER_CALL_POOLED"})
    void watchdogThreshold_onPerCallMode_isRefusedNamingOptionAndMode(BridgeMode mode) {
        LoopBridge.Builder builder = LoopBridge.builder().mode(mode).watchdogThreshold(Duration.ofMillis(50));

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("watchdogThreshold: PT0.05S is not an option of mode " + mode)
                .hasMessageContaining("SHARED");
    }

    @Test
    void options_listsOnlyWhatWasSet() {
        LoopBridge.Builder builder = LoopBridge.builder().timeout(Duration.ofSeconds(3)).name("listed");

        assertThat(builder.options()).containsExactly(java.util.Map.entry("name", "listed"),
                java.util.Map.entry("timeout", Duration.ofSeconds(3)));
    }

    @Test
    void optionError_afterName_namesTheBridge() {
        LoopBridge.Builder builder = LoopBridge.builder().name("api");

        assertThatThrownBy(() -> builder.timeout(Duration.ofSeconds(-1)))
                .hasMessage("bridge 'api': timeout: PT-1S (expected > 0)");
    }

    // ------------------------------------------------------------------ each option at most once

    static Stream<Arguments> optionsSetTwice() {
        return Stream.of(
                Arguments.of("mode", (Consumer<LoopBridge.Builder>) b -> b.mode(BridgeMode.PER_CALL).mode(BridgeMode.SHARED),
                        "PER_CALL"),
                Arguments.of("name", (Consumer<LoopBridge.Builder>) b -> b.name("first-name").name("second"), "first-name"),
                Arguments.of("timeout",
                        (Consumer<LoopBridge.Builder>) b -> b.timeout(Duration.ofSeconds(7)).timeout(Duration.ofSeconds(8)),
                        "PT7S"),
                Arguments.of("maxInFlight", (Consumer<LoopBridge.Builder>) b -> b.maxInFlight(77).maxInFlight(78), "77"),
                Arguments.of("poolSize", (Consumer<LoopBridge.Builder>) b -> b.poolSize(13).poolSize(14), "13"),
                Arguments.of("closeGrace",
                        (Consumer<LoopBridge.Builder>) b -> b.closeGrace(Duration.ofMillis(1500)).closeGrace(Duration.ZERO),
                        "PT1.5S"),
                Arguments.of("watchdogThreshold",
                        (Consumer<LoopBridge.Builder>) b -> b.watchdogThreshold(Duration.ofMillis(250))
                                .watchdogThreshold(Duration.ofMillis(300)),
                        "PT0.25S"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optionsSetTwice")
    void option_setTwice_failsNamingEarlierValue(String option, Consumer<LoopBridge.Builder> setTwice, String earlier) {
        LoopBridge.Builder builder = LoopBridge.builder();

        assertThatThrownBy(() -> setTwice.accept(builder))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(option)
                .hasMessageContaining(earlier);
    }

    // ------------------------------------------------------------------ bad values

    @ParameterizedTest
    @MethodSource("nonPositiveDurations")
    void timeout_notPositive_throwsIllegalArgumentNamingValue(Duration bad) {
        assertThatThrownBy(() -> LoopBridge.builder().timeout(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout")
                .hasMessageContaining(bad.toString());
    }

    static Stream<Duration> nonPositiveDurations() {
        return Stream.of(Duration.ZERO, Duration.ofMillis(-1), Duration.ofSeconds(-30));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -1024})
    void maxInFlight_notPositive_throwsIllegalArgumentNamingValue(int bad) {
        assertThatThrownBy(() -> LoopBridge.builder().maxInFlight(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxInFlight")
                .hasMessageContaining(String.valueOf(bad));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3})
    void poolSize_notPositive_throwsIllegalArgumentNamingValue(int bad) {
        assertThatThrownBy(() -> LoopBridge.builder().poolSize(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("poolSize")
                .hasMessageContaining(String.valueOf(bad));
    }

    @Test
    void closeGrace_negative_throwsIllegalArgumentNamingValue() {
        assertThatThrownBy(() -> LoopBridge.builder().closeGrace(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("closeGrace")
                .hasMessageContaining("PT-0.005S");
    }

    @ParameterizedTest
    @MethodSource("nonPositiveDurations")
    void watchdogThreshold_notPositive_throwsIllegalArgumentNamingValue(Duration bad) {
        assertThatThrownBy(() -> LoopBridge.builder().watchdogThreshold(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("watchdogThreshold")
                .hasMessageContaining(bad.toString());
    }

    @Test
    void nullOptions_throwNullPointerNamingOption() {
        LoopBridge.Builder builder = LoopBridge.builder();

        assertThatThrownBy(() -> builder.mode(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("mode");
        assertThatThrownBy(() -> builder.name(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> builder.timeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("timeout");
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void nullBody_throwsNullPointerNamingBody(BridgeMode mode) {
        LoopBridge bridge = fx.bridge(mode);

        assertThatThrownBy(() -> bridge.run(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("body");
        assertThatThrownBy(() -> bridge.submit(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("body");
    }

    // ------------------------------------------------------------------ no checked exceptions

    @Test
    void closeRunAndLoopManagerRun_declareNoCheckedExceptions() throws NoSuchMethodException {
        Method close = LoopBridge.class.getMethod("close");
        Method run = LoopBridge.class.getMethod("run", AsyncCallable.class);
        Method runWithTimeout = LoopBridge.class.getMethod("run", AsyncCallable.class, Duration.class);
        Method submit = LoopBridge.class.getMethod("submit", AsyncCallable.class);
        Method managerRun = LoopManager.class.getMethod("run", AsyncCallable.class);

        for (Method m : new Method[] {close, run, runWithTimeout, submit, managerRun}) {
            assertThat(m.getExceptionTypes()).as(m.toString()).isEmpty();
        }
    }
}
