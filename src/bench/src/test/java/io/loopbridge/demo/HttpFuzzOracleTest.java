package io.loopbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopbridge.demo.HttpFuzzOracle.Answer;
import io.loopbridge.bench.HttpConnection.IncompleteBodyException;
import java.io.EOFException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each rule of {@link HttpFuzzOracle}, with a bridge timeout of 1500 ms (as in the ITs): allowed, and just not. */
class HttpFuzzOracleTest {
    private static final long TIMEOUT_MS = 1_500;
    private static final String DEFAULT_STREAM = "/api/shared/stream"; // 10 ticks 100 ms apart: asks for 1010 ms
    private final HttpFuzzOracle oracle = new HttpFuzzOracle(TIMEOUT_MS);

    @Test
    void twoHundredsAndFourHundreds_allowed() {
        assertThat(oracle.verdict("/api/shared/hello", answer(200, "{}", 5))).isNull();
        assertThat(oracle.verdict("/api/shared/sleep?ms=x", answer(400, "{}", 5))).isNull();
        assertThat(oracle.verdict("/nowhere", answer(404, "", 5))).isNull();
    }

    @Test
    void aStreamAskingForNearlyTheTimeout_mayBeCutShortAtTheTimeout() {
        assertThat(oracle.verdict(DEFAULT_STREAM, cut(200, TIMEOUT_MS))).isNull();
        assertThat(oracle.verdict("/api/pooled/stream?n=10&intervalMs=110", cut(200, TIMEOUT_MS + 30))).isNull();
        // 1,000 ticks cost about 1 ms each even with no interval: the demo's bound counts n * (intervalMs + 1)
        assertThat(oracle.verdict("/api/pooled/stream?n=1000&intervalMs=0", cut(200, TIMEOUT_MS))).isNull();
    }

    @Test
    void aStreamCutBeforeTheTimeout_isAViolation() {
        assertThat(oracle.verdict(DEFAULT_STREAM, cut(200, TIMEOUT_MS - 1))).startsWith("no answer: ");
    }

    @Test
    void aStreamCutLaterThanTwiceTheTimeout_isAViolation() {
        assertThat(oracle.verdict(DEFAULT_STREAM, cut(200, 2 * TIMEOUT_MS))).isNull();
        assertThat(oracle.verdict(DEFAULT_STREAM, cut(200, 2 * TIMEOUT_MS + 1))).startsWith("no answer: ");
        assertThat(oracle.verdict(DEFAULT_STREAM, cut(200, TIMEOUT_MS + 5_000))).startsWith("no answer: "); // emitter's
        assertThat(oracle.verdict(DEFAULT_STREAM, cut(200, HttpFuzzOracle.SLOW.toMillis() + 1))).startsWith("no answer: ");
    }

    @Test
    void aStreamAskingForLess_cutShort_isAViolation() {
        assertThat(oracle.verdict("/api/shared/stream?n=9&intervalMs=100", cut(200, TIMEOUT_MS))) // asks 909 ms
                .startsWith("no answer: ").contains("inside the body of a 200 response");
    }

    @Test
    void anythingElseCutShort_isAViolation() {
        assertThat(oracle.verdict("/api/shared/sleep?ms=1400", cut(200, TIMEOUT_MS))).startsWith("no answer: ");
        assertThat(oracle.verdict(DEFAULT_STREAM, cut(500, TIMEOUT_MS))).startsWith("no answer: ");
    }

    @Test
    void noAnswer_isAViolation() {
        Answer closed = new Answer(0, "", millis(TIMEOUT_MS), new EOFException("connection closed mid-response"));
        assertThat(oracle.verdict(DEFAULT_STREAM, closed)).startsWith("no answer: ");
    }

    @Test
    void anAnswerAfterMoreThanSlow_isAViolation() {
        long slow = HttpFuzzOracle.SLOW.toMillis() + 1;
        assertThat(oracle.verdict("/api/shared/sleep?ms=10000", answer(200, "{}", slow)))
                .startsWith("answered after more than");
    }

    @Test
    void theLoopTimeoutProblem_onlyForARequestAskingForNearlyTheTimeout() {
        String timedOut = problem(HttpFuzzOracle.LOOP_TIMEOUT, "timed out");
        long edge = TIMEOUT_MS - HttpFuzzOracle.TIMEOUT_SLACK.toMillis();
        assertThat(oracle.verdict("/api/shared/sleep?ms=" + edge, answer(504, timedOut, TIMEOUT_MS))).isNull();
        assertThat(oracle.verdict("/api/shared/sleep?ms=" + (edge - 1), answer(504, timedOut, TIMEOUT_MS)))
                .startsWith("status 504");
        assertThat(oracle.verdict("/api/shared/sleep?ms=5000", answer(504, problem("about:blank", "x"), TIMEOUT_MS)))
                .startsWith("status 504");
    }

    @Test
    void theNestedLoopProblem_onlyOnNested() {
        String nested = problem(HttpFuzzOracle.NESTED_LOOP, "refused");
        assertThat(oracle.verdict("/api/per-call/async/nested", answer(500, nested, 5))).isNull();
        assertThat(oracle.verdict("/api/per-call/hello", answer(500, nested, 5))).startsWith("status 500");
        assertThat(oracle.verdict("/api/per-call/nested", answer(500, "oops", 5))).startsWith("status 500");
    }

    @Test
    void theDownstreamFailure_onlyWhenAskedFor() {
        String failed = problem("about:blank", "user 3 " + HttpFuzzOracle.DOWNSTREAM_FAILURE);
        assertThat(oracle.verdict("/downstream/users/3?fail=true", answer(500, failed, 5))).isNull();
        assertThat(oracle.verdict("/downstream/users/3", answer(500, failed, 5))).startsWith("status 500");
    }

    @Test
    void unavailable_isAViolation() {
        assertThat(oracle.verdict("/api/shared/hello", answer(503, problem("about:blank", "busy"), 5)))
                .startsWith("status 503");
    }

    private static Answer answer(int status, String body, long elapsedMillis) {
        return new Answer(status, body, millis(elapsedMillis), null);
    }

    /** A response whose head said {@code status} and whose body was cut after {@code elapsedMillis}. */
    private static Answer cut(int status, long elapsedMillis) {
        return new Answer(0, "id:0\nevent:tick\n", millis(elapsedMillis),
                new IncompleteBodyException(status, new EOFException("connection closed mid-body")));
    }

    private static long millis(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    private static String problem(String type, String detail) {
        return "{\"type\":\"" + type + "\",\"status\":500,\"detail\":\"" + detail + "\"}";
    }
}
