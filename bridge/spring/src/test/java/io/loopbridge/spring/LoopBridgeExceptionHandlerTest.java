package io.loopbridge.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopbridge.LoopTimeoutException;
import jakarta.servlet.ServletException;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.junit.jupiter.web.SpringJUnitWebConfig;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.WebApplicationContext;

@SpringJUnitWebConfig(TestWebApp.class)
@DirtiesContext
class LoopBridgeExceptionHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    WebApplicationContext context;
    MockMvc mvc;

    @BeforeEach
    void setUp() {
        mvc = MockMvcBuilders.webAppContextSetup(context).build();
    }

    @Test
    void loopTimeout_504ProblemDetail() throws Exception {
        Map<String, Object> problem = problem(mvc.perform(get("/sync/timeout")).andExpect(status().isGatewayTimeout()));

        assertThat(problem).containsEntry("type", "urn:loopbridge:problem:loop-timeout").containsEntry("status", 504)
                .containsEntry("timeoutMs", 300);
        assertThat(problem.get("detail")).asString().contains("bridge 'short' (SHARED) timed out after PT0.3S");
    }

    @Test
    void bridgeRejected_503WithRetryAfter() throws Exception {
        Map<String, Object> problem = problem(mvc.perform(get("/sync/rejected"))
                .andExpect(status().isServiceUnavailable()).andExpect(header().string("Retry-After", "1")));

        assertThat(problem).containsEntry("type", "urn:loopbridge:problem:bridge-rejected").containsEntry("maxInFlight", 1);
        assertThat(problem.get("detail")).asString().contains("has 1 calls in flight (maxInFlight)");
    }

    @Test
    void nestedLoop_loggedAsOneWarnLine_theStackOnlyAtDebug() throws Exception {
        try (LogRecorder log = LogRecorder.of(LoopBridgeExceptionHandler.class, Level.DEBUG)) {
            mvc.perform(get("/sync/nested")).andExpect(status().isInternalServerError());

            assertThat(log.events(Level.WARN)).singleElement().satisfies(line -> {
                assertThat(line.getFormattedMessage()).startsWith("answering 500: LoopBridge.run (bridge 'short')")
                        .contains("Fix:").doesNotContain("\n");
                assertThat(line.getThrowableProxy()).isNull();
            });
            assertThat(log.events(Level.ERROR)).isEmpty();
            assertThat(log.events(Level.DEBUG)).singleElement()
                    .satisfies(stack -> assertThat(stack.getThrowableProxy().getClassName()).endsWith("NestedLoopException"));
        }
    }

    @Test
    void nestedLoop_500WithTheGuardsMessage() throws Exception {
        Map<String, Object> problem = problem(mvc.perform(get("/sync/nested")).andExpect(status().isInternalServerError()));

        assertThat(problem).containsEntry("type", "urn:loopbridge:problem:nested-loop");
        assertThat(problem.get("detail")).asString().contains("called on thread 'loopbridge-short-loop-",
                "Fix: return/compose the CompletionStage");
    }

    @Test
    void asyncExecution_500NamingTheCauseType() throws Exception {
        Map<String, Object> problem = problem(mvc.perform(get("/sync/checked")).andExpect(status().isInternalServerError()));

        assertThat(problem).containsEntry("causeType", "java.io.IOException")
                .containsEntry("detail", "async code failed with java.io.IOException: disk gone");
    }

    @Test
    void aStageTimeoutOfTheBody_504NamingTheStage() throws Exception {
        Map<String, Object> problem = problem(mvc.perform(get("/sync/stage-timeout")).andExpect(status().isGatewayTimeout()));

        assertThat(problem).containsEntry("type", "urn:loopbridge:problem:stage-timeout").containsEntry("status", 504);
        assertThat(problem.get("detail")).asString().contains("timed out after PT0.02S awaiting task 'fetch-user'",
                "on event loop 'patient-shared-");
    }

    @Test
    void aBridgeClosedDuringTheCall_503WithRetryAfter() throws Exception {
        Map<String, Object> problem = problem(mvc.perform(get("/sync/closed"))
                .andExpect(status().isServiceUnavailable()).andExpect(header().string("Retry-After", "1")));

        assertThat(problem).containsEntry("type", "urn:loopbridge:problem:bridge-closed");
        assertThat(problem.get("detail")).asString().contains("bridge 'closing' (SHARED) was closed while the call was in flight");
    }

    @Test
    void loopTimeout_ofAReturnedFuture_504AfterTheAsyncDispatch() throws Exception {
        MvcResult started = mvc.perform(get("/async/timeout")).andExpect(request().asyncStarted()).andReturn();

        Map<String, Object> problem = problem(mvc.perform(asyncDispatch(started)).andExpect(status().isGatewayTimeout()));

        assertThat(problem).containsEntry("type", "urn:loopbridge:problem:loop-timeout");
    }

    /**
     * A stream whose bridge call times out after its response was committed (an item was sent) gets no problem:
     * a JSON converter would append the 504 problem to the 200 body. The exception goes on to the container,
     * which ends the response abnormally. (Found through the demo's BadInputFuzzIT.)
     */
    @Test
    void loopTimeout_ofACommittedStream_noProblemAppended_theFailureGoesToTheContainer() throws Exception {
        MvcResult started = mvc.perform(get("/stream/json/timeout")).andExpect(request().asyncStarted()).andReturn();

        assertThatThrownBy(() -> mvc.perform(asyncDispatch(started))).isInstanceOf(ServletException.class)
                .hasCauseInstanceOf(LoopTimeoutException.class);
        assertThat(started.getResponse().getStatus()).isEqualTo(200);
        assertThat(started.getResponse().getContentAsString()).isEqualTo("{\"item\":0}");
    }

    @Test
    void loopTimeout_ofAStreamThatSentNothing_504ProblemDetail() throws Exception {
        MvcResult started = mvc.perform(get("/stream/timeout")).andExpect(request().asyncStarted()).andReturn();

        ResultActions answer = mvc.perform(asyncDispatch(started)).andExpect(status().isGatewayTimeout());

        assertThat(problem(answer)).containsEntry("type", "urn:loopbridge:problem:loop-timeout");
    }

    /** The response is {@code application/problem+json}; returns its fields. */
    static Map<String, Object> problem(ResultActions response) throws Exception {
        MvcResult result = response.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON)).andReturn();
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = JSON.readValue(result.getResponse().getContentAsString(), Map.class);
        return fields;
    }

    // ------------------------------------------------------------------ overriding

    /** A user's advice with an explicit order wins over loopbridge's (lowest precedence) one. */
    @Configuration
    @Import(TestWebApp.class)
    static class WithUserAdvice {
        @RestControllerAdvice
        @Order(0)
        static class UserAdvice {
            @ExceptionHandler(LoopTimeoutException.class)
            ProblemDetail timeout(LoopTimeoutException e) {
                return ProblemDetail.forStatusAndDetail(HttpStatus.I_AM_A_TEAPOT, "user says: " + e.timeout());
            }
        }
    }

    @Nested
    @SpringJUnitWebConfig(WithUserAdvice.class)
    @DirtiesContext
    class UserOverride {
        @Autowired
        WebApplicationContext userContext;

        @Test
        void userAdvice_withHigherPrecedence_wins() throws Exception {
            Map<String, Object> problem = problem(MockMvcBuilders.webAppContextSetup(userContext).build()
                    .perform(get("/sync/timeout")).andExpect(status().isIAmATeapot()));

            assertThat(problem).containsEntry("detail", "user says: PT0.3S");
        }

        @Test
        void otherExceptions_stillMappedByLoopbridge() throws Exception {
            Map<String, Object> problem = problem(MockMvcBuilders.webAppContextSetup(userContext).build()
                    .perform(get("/sync/nested")).andExpect(status().isInternalServerError()));

            assertThat(problem).containsEntry("type", "urn:loopbridge:problem:nested-loop");
        }
    }
}
