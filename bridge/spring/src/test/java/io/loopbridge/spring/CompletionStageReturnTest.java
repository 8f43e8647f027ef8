package io.loopbridge.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.hamcrest.Matchers.startsWith;

import io.loopbridge.LoopBridge;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.junit.jupiter.web.SpringJUnitWebConfig;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/** A controller returning {@code bridge.submit(...)}: released servlet thread, cancellation on timeout/error. */
@SpringJUnitWebConfig(TestWebApp.class)
@DirtiesContext
class CompletionStageReturnTest {
    @Autowired
    WebApplicationContext context;
    @Autowired
    TestWebApp.Probes probes;
    @Autowired
    LoopBridges bridges;
    MockMvc mvc;

    @BeforeEach
    void setUp() {
        mvc = MockMvcBuilders.webAppContextSetup(context).build();
        probes.reset();
    }

    @Test
    void submit_valueIsTheResponse_computedOnTheLoop() throws Exception {
        MvcResult started = mvc.perform(get("/async/ok")).andExpect(request().asyncStarted()).andReturn();

        mvc.perform(asyncDispatch(started))
                .andExpect(status().isOk())
                .andExpect(content().string(startsWith("ok from loopbridge-patient-loop-")));
    }

    @Test
    void asyncTimeout_cancelsTheTaskOnTheLoop() throws Exception {
        MvcResult started = mvc.perform(get("/async/hang")).andExpect(request().asyncStarted()).andReturn();
        probes.awaitWatching();

        notifyListeners(started, (listener, event) -> listener.onTimeout(event));

        assertThat(probes.lastCall).as("the returned submit future").isCancelled();
        assertThat(probes.cancelled.await(5, TimeUnit.SECONDS)).as("the task's sleep was cancelled").isTrue();
        assertThat(started.getAsyncResult()).isInstanceOf(AsyncRequestTimeoutException.class);
        mvc.perform(asyncDispatch(started)).andExpect(status().isServiceUnavailable());
        assertInFlightDrains(bridges.get("patient"));
    }

    @Test
    void containerError_clientDisconnect_cancelsTheTaskOnTheLoop() throws Exception {
        MvcResult started = mvc.perform(get("/async/hang")).andExpect(request().asyncStarted()).andReturn();
        probes.awaitWatching();

        notifyListeners(started, (listener, event) -> listener.onError(
                new AsyncEvent(event.getAsyncContext(), new IOException("Broken pipe"))));

        assertThat(probes.lastCall).as("the returned submit future").isCancelled();
        assertThat(probes.cancelled.await(5, TimeUnit.SECONDS)).as("the task's sleep was cancelled").isTrue();
        assertInFlightDrains(bridges.get("patient"));
    }

    @Test
    void handlerInstalledOnce_beforeSpringsOwn() {
        RequestMappingHandlerAdapter adapter = context.getBean(RequestMappingHandlerAdapter.class);
        LoopBridgeWebMvcConfiguration.install(adapter); // a second installation is a no-op

        assertThat(adapter.getReturnValueHandlers()).first().isInstanceOf(CancellingCompletionStageHandler.class);
        assertThat(adapter.getReturnValueHandlers()).filteredOn(CancellingCompletionStageHandler.class::isInstance)
                .hasSize(1);
    }

    private interface ListenerCall {
        void accept(AsyncListener listener, AsyncEvent event) throws IOException;
    }

    /** Plays the container: tells the request's async listeners about a timeout or an error. */
    private static void notifyListeners(MvcResult started, ListenerCall call) throws IOException {
        MockAsyncContext async = (MockAsyncContext) started.getRequest().getAsyncContext();
        for (AsyncListener listener : async.getListeners()) {
            call.accept(listener, new AsyncEvent(async));
        }
    }

    private static void assertInFlightDrains(LoopBridge bridge) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> bridge.stats().inFlight() == 0);
        assertThat(bridge.stats().failures()).isPositive();
    }
}
