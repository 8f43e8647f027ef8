package io.loopbridge.spring;

import io.loopbridge.AsyncExecutionException;
import io.loopbridge.BridgeClosedException;
import io.loopbridge.BridgeRejectedException;
import io.loopbridge.LoopTerminatedException;
import io.loopbridge.LoopTimeoutException;
import io.loopbridge.NestedLoopException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Maps loopbridge's exceptions to RFC 9457 problem details ({@code application/problem+json}):
 *
 * <table>
 *   <caption>Status per exception</caption>
 *   <tr><th>exception</th><th>status</th><th>body</th></tr>
 *   <tr><td>{@link LoopTimeoutException}</td><td>504</td><td>{@code timeoutMs}</td></tr>
 *   <tr><td>{@link BridgeRejectedException}</td><td>503 with {@code Retry-After}</td><td>{@code maxInFlight}</td></tr>
 *   <tr><td>{@link LoopTerminatedException}</td><td>503 with {@code Retry-After}</td><td>the loop died; the next call gets a new one</td></tr>
 *   <tr><td>{@link BridgeClosedException}</td><td>503 with {@code Retry-After}</td><td>the bridge closed (shutdown) during the call</td></tr>
 *   <tr><td>{@link NestedLoopException}</td><td>500</td><td>the guard's message (thread, loop, fix)</td></tr>
 *   <tr><td>{@link AsyncExecutionException} of a {@link TimeoutException} (the body's own
 *   {@code loop.timeout}, a deadline scope)</td><td>504</td><td>which stage timed out, on which loop</td></tr>
 *   <tr><td>{@link AsyncExecutionException}, any other cause</td><td>500</td><td>{@code causeType}: the checked exception's class</td></tr>
 * </table>
 *
 * <p>The bridge's own timeouts and refusals are not logged (they are load, and counted in the
 * bridge's stats); a stage timeout, a dead loop, a closed bridge or the nested guard's refusal is
 * one WARN line (the guard's stack at DEBUG); other async failures are logged at ERROR with their stack.
 *
 * <p>A response that is already committed cannot carry a problem any more: a stream ({@link LoopStreams})
 * whose call fails after its first bytes were sent, with a bridge timeout for example. Every handler
 * here then rethrows the exception ({@link #rethrowIfCommitted}): it goes on to the container as if this
 * advice were not there, and the container ends the response abnormally, so the client sees an
 * incomplete response (an unterminated chunked body) rather than a problem appended to a 200 body.
 *
 * <p>It has the lowest precedence: to answer differently, declare your own {@code @ControllerAdvice}
 * with an {@code @Order} of higher precedence (any value below {@code Ordered.LOWEST_PRECEDENCE})
 * handling the same exceptions, or subclass this one and override a method (a subclass annotated
 * {@code @RestControllerAdvice @Order(0)} takes over; an override should call {@link #rethrowIfCommitted}
 * first).
 *
 * <p>Threads: Spring calls it on the request thread, or on the container thread of the async dispatch
 * when the exception came from a returned {@code CompletionStage}.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class LoopBridgeExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(LoopBridgeExceptionHandler.class);
    /** Problem type URIs: stable identifiers (URNs, nothing to fetch), documented in the README. */
    static final String TYPE_BASE = "urn:loopbridge:problem:";

    /** 504: the call did not complete within its bridge's timeout; its task was cancelled. */
    @ExceptionHandler(LoopTimeoutException.class)
    public ResponseEntity<ProblemDetail> timeout(LoopTimeoutException e) {
        rethrowIfCommitted(e);
        ProblemDetail problem = problem(HttpStatus.GATEWAY_TIMEOUT, "loop-timeout", "Async call timed out", e.getMessage());
        problem.setProperty("timeoutMs", e.timeout().toMillis());
        return ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT).body(problem);
    }

    /** 503 with {@code Retry-After}: the bridge refused the call because {@code maxInFlight} calls were running. */
    @ExceptionHandler(BridgeRejectedException.class)
    public ResponseEntity<ProblemDetail> rejected(BridgeRejectedException e) {
        rethrowIfCommitted(e);
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "bridge-rejected", "Too many async calls in flight",
                e.getMessage());
        problem.setProperty("maxInFlight", e.maxInFlight());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter(e).toSeconds())).body(problem);
    }

    /** 503 with {@code Retry-After}: the shared loop died during the call; the next call runs on a new loop thread. */
    @ExceptionHandler(LoopTerminatedException.class)
    public ResponseEntity<ProblemDetail> terminated(LoopTerminatedException e) {
        rethrowIfCommitted(e);
        log.warn("answering 503: {}", e.getMessage());
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "loop-terminated", "Event loop terminated",
                e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter(e).toSeconds())).body(problem);
    }

    /** 503 with {@code Retry-After}: the bridge was closed (the application is shutting down) while the call ran. */
    @ExceptionHandler(BridgeClosedException.class)
    public ResponseEntity<ProblemDetail> closed(BridgeClosedException e) {
        rethrowIfCommitted(e);
        log.warn("answering 503: {}", e.getMessage());
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "bridge-closed", "Bridge closed during the call",
                e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter(e).toSeconds())).body(problem);
    }

    /**
     * 500 with the guard's message: code on a loop thread tried to block on a loop; it is a bug to fix.
     * Logged as one WARN line with the message, which names the thread, the loop and the fix; the stack
     * that shows where the blocking call was made is logged at DEBUG.
     */
    @ExceptionHandler(NestedLoopException.class)
    public ResponseEntity<ProblemDetail> nested(NestedLoopException e) {
        rethrowIfCommitted(e);
        log.warn("answering 500: {}", e.getMessage());
        log.debug("the refused nested call was made at", e);
        return ResponseEntity.internalServerError()
                .body(problem(HttpStatus.INTERNAL_SERVER_ERROR, "nested-loop", "Nested event loop refused", e.getMessage()));
    }

    /**
     * 500 naming the checked exception that the async code failed with; 504 when that is a
     * {@link TimeoutException}: a stage the body gave a timeout of its own (a downstream) did not answer
     * in time, and the problem says which.
     */
    @ExceptionHandler(AsyncExecutionException.class)
    public ResponseEntity<ProblemDetail> asyncFailure(AsyncExecutionException e) {
        rethrowIfCommitted(e);
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException) {
            log.warn("answering 504: {}", cause.getMessage());
            ProblemDetail problem = problem(HttpStatus.GATEWAY_TIMEOUT, "stage-timeout", "Async stage timed out",
                    "a stage of the async code timed out: " + cause.getMessage());
            return ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT).body(problem);
        }
        log.error("answering 500: async code failed", e);
        ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "async-failure", "Async code failed",
                "async code failed with " + cause.getClass().getName() + ": " + cause.getMessage());
        problem.setProperty("causeType", cause.getClass().getName());
        return ResponseEntity.internalServerError().body(problem);
    }

    /**
     * Rethrows {@code failure} when the response of the current request is already committed (a stream
     * that failed midway): no status or problem can be sent any more, and writing one would append it to
     * the body. The container then ends the response abnormally.
     */
    protected void rethrowIfCommitted(RuntimeException failure) {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                && attributes.getResponse() != null && attributes.getResponse().isCommitted()) {
            throw failure;
        }
    }

    /** The {@code Retry-After} of a 503; default 1 s. Override to derive it from the load. */
    protected Duration retryAfter(RuntimeException refusal) {
        return Duration.ofSeconds(1);
    }

    /** The body of every answer here; override to add properties (a trace id, a help link). */
    protected ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + type));
        problem.setTitle(title);
        return problem;
    }
}
