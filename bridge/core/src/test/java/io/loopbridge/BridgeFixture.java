package io.loopbridge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Test fixture of the bridge tests: builds bridges with unique names and closes them after each
 * test; hands out gates (latches and futures) that are released after each test before the bridges
 * close, so a test that fails while a loop thread is held never leaves a thread stuck.
 *
 * <pre>{@code
 * @RegisterExtension final BridgeFixture fx = new BridgeFixture();
 * LoopBridge bridge = fx.bridge(BridgeMode.SHARED, b -> b.timeout(Duration.ofSeconds(5)));
 * }</pre>
 */
public final class BridgeFixture implements AfterEachCallback {
    /** How long a gate holds a thread at most, should a test forget to release it. */
    static final Duration GATE_LIMIT = Duration.ofSeconds(30);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final List<LoopBridge> bridges = new CopyOnWriteArrayList<>();
    private final List<CountDownLatch> latches = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<?>> futures = new CopyOnWriteArrayList<>();
    private final List<Runnable> cleanups = new CopyOnWriteArrayList<>();

    /** A bridge of {@code mode} with a unique name and default options. */
    public LoopBridge bridge(BridgeMode mode) {
        return bridge(mode, b -> {});
    }

    /** A bridge of {@code mode} with a unique name; {@code options} sets anything but mode and name. */
    public LoopBridge bridge(BridgeMode mode, Consumer<LoopBridge.Builder> options) {
        LoopBridge.Builder builder = LoopBridge.builder().mode(mode).name(uniqueName(mode));
        options.accept(builder);
        return track(builder.build());
    }

    /** Sets {@code poolSize} where the mode has workers: every mode but SHARED, which refuses the option. */
    static Consumer<LoopBridge.Builder> workers(BridgeMode mode, int poolSize) {
        return b -> {
            if (mode != BridgeMode.SHARED) {
                b.poolSize(poolSize);
            }
        };
    }

    /** Closes {@code bridge} after the test. */
    LoopBridge track(LoopBridge bridge) {
        bridges.add(bridge);
        return bridge;
    }

    static String uniqueName(BridgeMode mode) {
        return "t" + IDS.incrementAndGet() + "-" + mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A latch of one, counted down after the test. */
    CountDownLatch latch() {
        CountDownLatch latch = new CountDownLatch(1);
        latches.add(latch);
        return latch;
    }

    /** A future completed (with null) after the test, for bodies that wait without blocking. */
    public <T> CompletableFuture<T> gate() {
        CompletableFuture<T> gate = new CompletableFuture<>();
        futures.add(gate);
        return gate;
    }

    /** Runs {@code cleanup} after the test, before the bridges close. */
    void onTeardown(Runnable cleanup) {
        cleanups.add(cleanup);
    }

    /** Blocks the calling thread (a loop callback, say) until {@code latch} opens; keeps an interrupt. */
    static void hold(CountDownLatch latch) {
        try {
            latch.await(GATE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** As {@link #hold}, ignoring interrupts (as a CPU-bound or non-interruptible callback does). */
    static void holdUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + GATE_LIMIT.toNanos();
        while (latch.getCount() > 0 && System.nanoTime() - deadline < 0) {
            try {
                latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for {@code latch} in a test, failing instead of hanging. */
    static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not counted down within 10 s");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", interrupted);
        }
    }

    /**
     * What {@code future} failed with (a {@link java.util.concurrent.CompletionException} wrapper
     * stripped), waiting up to {@code within}; fails if it completed normally or not in time.
     */
    static Throwable failureOf(CompletableFuture<?> future, Duration within) {
        Throwable failure;
        try {
            failure = future.handle((v, e) -> e).get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("future did not complete within " + within + ": " + future, e);
        }
        if (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure == null) {
            throw new AssertionError("future completed normally with " + future.join());
        }
        return failure;
    }

    /** Names of the live threads whose name starts with {@code prefix}. */
    static Set<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .collect(Collectors.toSet());
    }

    /** The prefix of every thread {@code bridge} starts. */
    static String threadPrefix(LoopBridge bridge) {
        return "loopbridge-" + bridge.name() + "-";
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<Throwable> problems = new ArrayList<>();
        latches.forEach(CountDownLatch::countDown);
        futures.forEach(f -> f.complete(null));
        for (Runnable cleanup : cleanups) {
            try {
                cleanup.run();
            } catch (Throwable t) {
                problems.add(t);
            }
        }
        for (LoopBridge bridge : bridges) {
            try {
                bridge.close();
            } catch (Throwable t) {
                problems.add(t);
            }
        }
        if (!problems.isEmpty()) {
            AssertionError error = new AssertionError("teardown failed");
            problems.forEach(error::addSuppressed);
            throw error;
        }
    }
}
