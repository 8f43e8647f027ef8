package io.loopbridge.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;

import io.loopbridge.AsyncQueue;
import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import io.loopbridge.LoopFuture;
import io.loopbridge.LoopTimeoutException;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.junit.jupiter.web.SpringJUnitWebConfig;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

class LoopStreamsTest {
    private final LoopBridge bridge = LoopBridge.builder().mode(BridgeMode.SHARED).name("stream")
            .timeout(Duration.ofSeconds(30)).build();

    @AfterEach
    void closeBridge() {
        bridge.close();
    }

    // ------------------------------------------------------------------ backpressure and outcome

    @Test
    void pipe_writesEveryItemInOrderOffTheLoop_thenCompletes() throws Exception {
        RecordingEmitter emitter = new RecordingEmitter();

        LoopStreams.pipe(bridge, emitter, 2, (loop, queue) -> count(queue, 0, 20)).get(5, TimeUnit.SECONDS);

        assertThat(emitter.sent).containsExactlyElementsOf(range(20));
        assertThat(emitter.sendThreads).allMatch(name -> name.startsWith("loopbridge-blocking-"));
        assertThat(emitter.completions).containsExactly("complete");
    }

    @Test
    void pipe_slowClient_producerWaits_queueStaysBounded() throws Exception {
        int capacity = 3;
        AtomicInteger produced = new AtomicInteger();
        CountDownLatch firstWriteMayReturn = new CountDownLatch(1);
        AtomicInteger producedDuringFirstWrite = new AtomicInteger(-1);
        RecordingEmitter emitter = new RecordingEmitter() {
            @Override
            void onSend(Object item) throws InterruptedException {
                if (item.equals(0)) { // the client is slow on the first item
                    firstWriteMayReturn.await();
                    producedDuringFirstWrite.set(produced.get());
                }
            }
        };

        CompletableFuture<Void> stream = LoopStreams.pipe(bridge, emitter, capacity,
                (loop, queue) -> countTracked(queue, 0, 50, produced));
        await().atMost(Duration.ofSeconds(5)).until(() -> produced.get() == 1 + capacity);
        firstWriteMayReturn.countDown();
        stream.get(5, TimeUnit.SECONDS);

        assertThat(producedDuringFirstWrite.get()).as("items put while the first write was stuck")
                .isEqualTo(1 + capacity);
        assertThat(emitter.sent).containsExactlyElementsOf(range(50));
    }

    @Test
    void pipe_producerFails_emitterCompletedWithItsError() {
        RecordingEmitter emitter = new RecordingEmitter();
        IllegalStateException boom = new IllegalStateException("upstream broke");

        CompletableFuture<Void> stream = LoopStreams.pipe(bridge, emitter, 2,
                (loop, queue) -> queue.put("a").thenCompose(v -> CompletableFuture.failedFuture(boom)));

        assertThatThrownBy(() -> stream.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCause(boom);
        await().atMost(Duration.ofSeconds(5)).until(() -> !emitter.completions.isEmpty());
        assertThat(emitter.sent).containsExactly("a");
        assertThat(emitter.completions).containsExactly("error: " + boom);
    }

    @Test
    void pipe_writeFails_clientGone_producerCancelled_emitterLeftToTheContainer() throws Exception {
        CountDownLatch producerCancelled = new CountDownLatch(1);
        RecordingEmitter emitter = new RecordingEmitter() {
            @Override
            void onSend(Object item) throws IOException {
                if (item.equals(2)) {
                    throw new IOException("Broken pipe");
                }
            }
        };

        CompletableFuture<Void> stream = LoopStreams.pipe(bridge, emitter, 2, (loop, queue) -> {
            CompletionStage<Void> all = count(queue, 0, 1_000);
            all.whenComplete((v, e) -> {
                if (e instanceof CancellationException) {
                    producerCancelled.countDown();
                }
            });
            return all;
        });

        assertThatThrownBy(() -> stream.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class);
        assertThat(producerCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(emitter.sent).containsExactly(0, 1);
        assertThat(emitter.completions).as("Spring: do not complete after a failed send").isEmpty();
    }

    @Test
    void pipe_bridgeTimeout_emitterCompletedWithLoopTimeout() {
        RecordingEmitter emitter = new RecordingEmitter();
        try (LoopBridge quick = LoopBridge.builder().name("quick").timeout(Duration.ofMillis(100)).build()) {
            CompletableFuture<Void> stream = LoopStreams.pipe(quick, emitter, 2,
                    (loop, queue) -> loop.sleep(Duration.ofHours(1)));

            assertThatThrownBy(() -> stream.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(LoopTimeoutException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> !emitter.completions.isEmpty());
            assertThat(emitter.completions).singleElement().asString().startsWith("error: " + LoopTimeoutException.class.getName());
        }
    }

    @Test
    void pipe_cancelled_producerCancelled() throws Exception {
        CountDownLatch producerCancelled = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);

        CompletableFuture<Void> stream = LoopStreams.pipe(bridge, new RecordingEmitter(), 2, (loop, queue) -> {
            started.countDown();
            LoopFuture<Void> sleep = loop.sleep(Duration.ofHours(1));
            sleep.whenComplete((v, e) -> { // on the sleep itself: a cancelled whenComplete stage skips its action
                if (e instanceof CancellationException) {
                    producerCancelled.countDown();
                }
            });
            return sleep;
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        stream.cancel(true);

        assertThat(producerCancelled.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void pipe_invalidCapacity_namesTheValue() {
        assertThatThrownBy(() -> LoopStreams.pipe(bridge, new RecordingEmitter(), 0, (loop, queue) -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("capacity: 0 (expected > 0)");
    }

    // ------------------------------------------------------------------ EmitterWriter

    @Test
    void writer_completeDuringASend_isDoneByTheSenderAfterIt() throws Exception {
        CountDownLatch inSend = new CountDownLatch(1);
        CountDownLatch sendMayReturn = new CountDownLatch(1);
        RecordingEmitter emitter = new RecordingEmitter() {
            @Override
            void onSend(Object item) throws InterruptedException {
                inSend.countDown();
                sendMayReturn.await();
            }
        };
        EmitterWriter writer = new EmitterWriter(emitter);
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                writer.send("x");
            } catch (Exception e) {
                sendFailure.set(e);
            }
        }, "test-sender");
        sender.start();
        assertThat(inSend.await(5, TimeUnit.SECONDS)).isTrue();

        writer.complete(null); // returns at once although the send holds the emitter
        assertThat(emitter.completions).isEmpty();
        sendMayReturn.countDown();
        sender.join(5_000);

        assertThat(sendFailure.get()).isNull();
        assertThat(emitter.completions).containsExactly("complete");
        assertThat(emitter.completionThreads).containsExactly("test-sender");
    }

    @Test
    void writer_afterAbandon_neverTouchesTheEmitter() {
        RecordingEmitter emitter = new RecordingEmitter();
        EmitterWriter writer = new EmitterWriter(emitter);

        writer.abandon();
        writer.complete(null);

        assertThat(emitter.completions).isEmpty();
        assertThatThrownBy(() -> writer.send("late")).isInstanceOf(CancellationException.class)
                .hasMessageContaining("the stream has ended");
    }

    // ------------------------------------------------------------------ through Spring MVC (SseEmitter)

    @Nested
    @SpringJUnitWebConfig(TestWebApp.class)
    @DirtiesContext
    class ThroughSpringMvc {
        @Autowired
        WebApplicationContext context;
        @Autowired
        TestWebApp.Probes probes;

        @Test
        void sseEmitter_receivesEveryItemAsAnEvent() throws Exception {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
            MvcResult started = mvc.perform(get("/stream").param("n", "5").accept(MediaType.TEXT_EVENT_STREAM))
                    .andExpect(request().asyncStarted()).andReturn();
            mvc.perform(asyncDispatch(started));

            assertThat(started.getResponse().getContentAsString())
                    .isEqualTo("data:item-0\n\ndata:item-1\n\ndata:item-2\n\ndata:item-3\n\ndata:item-4\n\n");
        }

        @Test
        void emitterTimeout_cancelsTheProducer() throws Exception {
            probes.reset();
            MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
            MvcResult started = mvc.perform(get("/stream/hang").accept(MediaType.TEXT_EVENT_STREAM))
                    .andExpect(request().asyncStarted()).andReturn();
            probes.awaitWatching();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> started.getResponse().getContentAsString().equals("data:first\n\n"));

            MockAsyncContext async = (MockAsyncContext) started.getRequest().getAsyncContext();
            for (AsyncListener listener : async.getListeners()) {
                listener.onTimeout(new AsyncEvent(async));
            }

            assertThat(probes.cancelled.await(5, TimeUnit.SECONDS)).as("the producer's sleep was cancelled").isTrue();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Puts the integers [i, n) one after the other. Loop thread. */
    private static CompletionStage<Void> count(AsyncQueue<Object> queue, int i, int n) {
        return countTracked(queue, i, n, new AtomicInteger());
    }

    private static CompletionStage<Void> countTracked(AsyncQueue<Object> queue, int i, int n, AtomicInteger produced) {
        if (i == n) {
            return CompletableFuture.completedFuture(null);
        }
        return queue.put(i).thenCompose(v -> {
            produced.incrementAndGet();
            return countTracked(queue, i + 1, n, produced);
        });
    }

    private static List<Object> range(int n) {
        return java.util.stream.IntStream.range(0, n).boxed().map(Object.class::cast).toList();
    }

    /** An emitter not attached to a response: records what it is asked to do, and by which thread. */
    static class RecordingEmitter extends ResponseBodyEmitter {
        final List<Object> sent = new CopyOnWriteArrayList<>();
        final List<String> sendThreads = new CopyOnWriteArrayList<>();
        final List<String> completions = new CopyOnWriteArrayList<>();
        final List<String> completionThreads = new CopyOnWriteArrayList<>();

        /** Hook for a test: block, or fail, like a client would. */
        void onSend(Object item) throws IOException, InterruptedException {}

        @Override
        public void send(Object object, MediaType mediaType) throws IOException {
            try {
                onSend(object);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            sent.add(object);
            sendThreads.add(Thread.currentThread().getName());
        }

        @Override
        public void complete() {
            completions.add("complete");
            completionThreads.add(Thread.currentThread().getName());
        }

        @Override
        public void completeWithError(Throwable ex) {
            completions.add("error: " + ex);
            completionThreads.add(Thread.currentThread().getName());
        }
    }

}
