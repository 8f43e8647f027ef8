package io.loopbridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.loopbridge.bench.HttpConnection.IncompleteBodyException;
import java.io.IOException;
import java.time.Duration;
import org.springframework.util.MultiValueMap;

/**
 * The rule {@link BadInputFuzzIT} holds every answer of the demo to: which answers to a request are allowed,
 * whatever its parameters.
 * <ul>
 *   <li>Any 4xx; a 2xx unless the demo's strict reading of the parameters ({@link BadInputs#refusedQuery}:
 *   ASCII digits only, no sign, no empty, repeated or unknown parameter) refuses them.</li>
 *   <li>A 500 only as loopbridge's {@value #NESTED_LOOP} problem for a path whose last segment is
 *   {@code nested}, or as the downstream's documented failure ({@code /downstream/users/{id}?fail=true},
 *   detail ending "{@value #DOWNSTREAM_FAILURE}").</li>
 *   <li>A 504 only as loopbridge's {@value #LOOP_TIMEOUT} problem for a request whose valid parameters ask
 *   for at least the bridge timeout less {@link #TIMEOUT_SLACK} ({@link BadInputs#askedMillis}): such a
 *   request may run out of time on a loaded machine.</li>
 *   <li>Under that same condition, a {@code stream} whose 200 was sent and whose body was cut short between
 *   the bridge timeout and twice that: that is a stream's form of the loop timeout (its status is sent, the
 *   container can only cut the response). A stream cut sooner, or asking for less, is a violation: that is
 *   how streams that could never finish in time, or waited behind other work, were found. So is one cut
 *   later: its bridge timeout did not end it (the emitter's own timeout is 5 s later).</li>
 *   <li>Nothing else: no other status, no I/O error without a complete response, no answer after more
 *   than {@link #SLOW}.</li>
 * </ul>
 *
 * <p>Threads: immutable, any thread.
 */
final class HttpFuzzOracle {
    /** An answer later than this is a hang: no valid request asks for more than 10 s. */
    static final Duration SLOW = Duration.ofSeconds(12);
    /** A request asking for this much less than the bridge timeout may still time out on a loaded machine. */
    static final Duration TIMEOUT_SLACK = Duration.ofMillis(500);
    static final String NESTED_LOOP = "urn:loopbridge:problem:nested-loop";
    static final String LOOP_TIMEOUT = "urn:loopbridge:problem:loop-timeout";
    /** The end of the detail of {@code /downstream/users/{id}?fail=true}'s 500. */
    static final String DOWNSTREAM_FAILURE = "failed, as asked (fail=true)";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the server answered (status 0 and the failure when it did not), and how long it took. */
    record Answer(int status, String body, long nanos, Exception failure) {

        /** The status, "200-cut-short" for a body cut short after a 200, "no-answer" for no response. */
        String statusText() {
            if (failure instanceof IncompleteBodyException cut) {
                return cut.status() + "-cut-short";
            }
            return failure == null ? Integer.toString(status) : "no-answer";
        }

        long millis() {
            return nanos / 1_000_000;
        }
    }

    private final long timeoutMillis;

    /** @param timeoutMillis the demo's bridge timeout */
    HttpFuzzOracle(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /** Why {@code answer} to {@code GET target} breaks the rule; null when it is allowed. */
    String verdict(String target, Answer answer) {
        long asked = BadInputs.askedMillis(target);
        String scenario = BadInputs.scenarioOf(target);
        if (answer.failure() instanceof IncompleteBodyException cut && cut.status() == 200
                && scenario.equals("stream") && mayTimeOut(asked)
                && answer.millis() >= timeoutMillis && answer.millis() <= 2 * timeoutMillis) {
            return null;
        }
        if (answer.failure() != null) {
            return "no answer: " + answer.failure();
        }
        if (answer.nanos() > SLOW.toNanos()) {
            return "answered after more than " + SLOW.toSeconds() + " s";
        }
        int status = answer.status();
        if (status >= 200 && status < 300 && BadInputs.refusedQuery(target)) {
            return "status " + status + " for parameters the demo's strict reading refuses (it must answer 400)";
        }
        if (status >= 200 && status < 300 || status >= 400 && status < 500) {
            return null;
        }
        JsonNode problem = problem(answer.body());
        String type = problem.path("type").asText(null);
        if (status == 500 && NESTED_LOOP.equals(type) && scenario.equals("nested")) {
            return null;
        }
        MultiValueMap<String, String> query = BadInputs.queryOf(target);
        if (status == 500 && query != null && "true".equals(query.getFirst("fail"))
                && problem.path("detail").asText().endsWith(DOWNSTREAM_FAILURE)) {
            return null;
        }
        if (status == 504 && LOOP_TIMEOUT.equals(type) && mayTimeOut(asked)) {
            return null;
        }
        return "status " + status + " with problem type " + type + " for a request asking for " + asked + " ms";
    }

    private boolean mayTimeOut(long askedMillis) {
        return askedMillis >= timeoutMillis - TIMEOUT_SLACK.toMillis();
    }

    /** The body as JSON; a missing node when it is not JSON. */
    private static JsonNode problem(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return MissingNode.getInstance();
        }
    }
}
