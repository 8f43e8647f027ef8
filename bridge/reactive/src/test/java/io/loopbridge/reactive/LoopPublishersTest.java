package io.loopbridge.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.loopbridge.AsyncQueue;
import io.loopbridge.BridgeFixture;
import io.loopbridge.BridgeMode;
import io.loopbridge.BridgeRejectedException;
import io.loopbridge.EventLoop;
import io.loopbridge.LoopBridge;
import io.loopbridge.LoopFuture;
import io.loopbridge.LoopManager;
import io.loopbridge.LoopTimeoutException;
import io.loopbridge.QueueShutDownException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Contract, Reactive Streams: a publisher is awaited, collected or drained into a queue on the loop,
 * subscribed on the loop thread when the body runs (never for a refused call), and its subscription
 * is cancelled when the call times out or its bridge closes, in every mode. Real Reactor.
 */
class LoopPublishersTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void await_givesAMonosValue_subscribedOnTheLoopThread(BridgeMode mode) {
        AtomicBoolean subscribedOnLoop = new AtomicBoolean();
        LoopBridge bridge = fx.bridge(mode);

        String value = bridge.run(l -> LoopPublishers.await(l, Mono.delay(Duration.ofMillis(5)).map(n -> "late value")
                .doOnSubscribe(s -> subscribedOnLoop.set(LoopManager.isLoopThread()))));

        assertThat(value).isEqualTo("late value");
        assertThat(subscribedOnLoop).isTrue();
    }

    @Test
    void await_ofAnEmptyMono_isNull_andOfAFlux_isItsFirstValue_thenCancelled() {
        AtomicBoolean cancelled = new AtomicBoolean();

        List<Object> values = LoopManager.run(l -> LoopPublishers.await(l, Mono.<String>empty())
                .thenCompose(empty -> LoopPublishers.await(l, Flux.range(7, 1000).doOnCancel(() -> cancelled.set(true)))
                        .thenApply(first -> {
                            List<Object> both = new ArrayList<>();
                            both.add(empty);
                            both.add(first);
                            return both;
                        })));

        assertThat(values).containsExactly(null, 7);
        assertThat(cancelled).isTrue();
    }

    @Test
    void await_ofAFailingMono_failsWithItsError() {
        IOException down = new IOException("downstream is down");

        Throwable thrown = catchThrowable(() -> LoopManager.run(l -> LoopPublishers.await(l, Mono.error(down))));

        assertThat(thrown).hasCauseReference(down);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void collect_givesEveryValueInOrder(BridgeMode mode) {
        List<Integer> values = fx.bridge(mode).run(l -> LoopPublishers.collect(l, Flux.range(0, 100)
                .publishOn(reactor.core.scheduler.Schedulers.parallel())));

        assertThat(values).hasSize(100).isSorted().startsWith(0).endsWith(99);
    }

    @Test
    void drainInto_movesTenThousandItemsThroughASmallQueue_requestingNoMoreThanItHasRoomFor() {
        int items = 10_000;
        int capacity = 8;
        AtomicLong requested = new AtomicLong();
        AtomicLong emitted = new AtomicLong();
        AtomicLong mostAhead = new AtomicLong();

        List<Integer> taken = LoopManager.run(l -> {
            AsyncQueue<Integer> queue = new AsyncQueue<>(l, capacity);
            Flux<Integer> source = Flux.range(0, items).doOnRequest(requested::addAndGet).doOnNext(i -> emitted.incrementAndGet());
            LoopFuture<Void> drained = LoopPublishers.drainInto(l, source, queue);
            List<Integer> got = new ArrayList<>();
            return takeAll(queue, got, () -> mostAhead.accumulateAndGet(requested.get() - got.size(), Math::max))
                    .thenCombine(drained, (all, done) -> all);
        });

        assertThat(taken).hasSize(items).isSorted();
        assertThat(emitted).hasValue(items);
        assertThat(mostAhead.get()).as("values requested but not yet taken").isLessThanOrEqualTo(capacity + 1);
    }

    /** Takes until the queue is shut down, recording after each take. Loop thread. */
    private static CompletionStage<List<Integer>> takeAll(AsyncQueue<Integer> queue, List<Integer> got, Runnable record) {
        return queue.take().handle((item, failure) -> {
            if (failure instanceof QueueShutDownException) {
                return CompletableFuture.completedFuture(got);
            }
            got.add(item);
            record.run();
            return takeAll(queue, got, record);
        }).thenCompose(next -> next);
    }

    @Test
    void drainInto_endsWithTheQueueShutDown_andFailsWithThePublishersError() {
        IllegalStateException broke = new IllegalStateException("stream broke");

        List<Object> outcome = LoopManager.run(l -> {
            AsyncQueue<Integer> queue = new AsyncQueue<>(l, 4);
            LoopFuture<Void> drained = LoopPublishers.drainInto(l, Flux.concat(Flux.just(1, 2), Flux.error(broke)), queue);
            return drained.handle((v, e) -> {
                List<Object> seen = new ArrayList<>(List.of(queue.poll(), queue.poll(), queue.isShutdown()));
                seen.add(e);
                return seen;
            });
        });

        assertThat(outcome).containsExactly(1, 2, true, broke);
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void aCallsTimeout_cancelsTheSubscription(BridgeMode mode) throws InterruptedException {
        CountDownLatch cancelled = new CountDownLatch(1);
        LoopBridge bridge = fx.bridge(mode, b -> b.timeout(Duration.ofMillis(50)));

        Throwable thrown = catchThrowable(() -> bridge.run(l -> LoopPublishers.await(l,
                Mono.never().doOnCancel(cancelled::countDown))));

        assertThat(thrown).isInstanceOf(LoopTimeoutException.class);
        assertThat(cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void closingTheBridge_cancelsTheSubscription(BridgeMode mode) throws InterruptedException {
        CountDownLatch subscribed = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        LoopBridge bridge = fx.bridge(mode);
        bridge.submit(l -> LoopPublishers.await(l, Mono.never()
                .doOnSubscribe(s -> subscribed.countDown()).doOnCancel(cancelled::countDown)));
        assertThat(subscribed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        bridge.close();

        assertThat(cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(BridgeMode.class)
    void aRefusedCall_neverSubscribes(BridgeMode mode) {
        AtomicInteger subscriptions = new AtomicInteger();
        LoopBridge bridge = fx.bridge(mode, b -> b.maxInFlight(1));
        bridge.submit(l -> fx.gate());
        Mono<String> request = Mono.fromCallable(() -> "sent").doOnSubscribe(s -> subscriptions.incrementAndGet());

        Throwable thrown = catchThrowable(() -> bridge.run(l -> LoopPublishers.await(l, request)));

        assertThat(thrown).isInstanceOf(BridgeRejectedException.class);
        assertThat(subscriptions).hasValue(0);
    }

    @Test
    void calledOffTheLoopThread_subscribesOnTheLoop() throws Exception {
        try (EventLoop loop = EventLoop.create()) {
            AtomicBoolean onLoop = new AtomicBoolean();
            LoopFuture<String> value = LoopPublishers.await(loop, Mono.just("v")
                    .doOnSubscribe(s -> onLoop.set(loop.inLoopThread())));

            String got = loop.runUntilComplete(l -> value);

            assertThat(got).isEqualTo("v");
            assertThat(onLoop).isTrue();
        }
    }
}
