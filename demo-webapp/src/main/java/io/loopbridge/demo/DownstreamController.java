package io.loopbridge.demo;

import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * {@code /downstream/users/{id}?delayMs=&fail=}: the slow service the aggregate scenario calls. It waits
 * without holding a Jetty thread: the answer is a {@link DeferredResult} completed by {@link DemoTimer}
 * after {@code delayMs} ([0, 30000], default 0); {@code fail=true} answers 500. {@code id} in [1, 1000].
 *
 * <p>Threads: the handler on a request thread, released at once; the answer set on {@code demo-timer}.
 */
@RestController
final class DownstreamController {
    private final DemoTimer timer;

    DownstreamController(DemoTimer timer) {
        this.timer = timer;
    }

    @GetMapping("/downstream/users/{id}")
    DeferredResult<ResponseEntity<Object>> user(@PathVariable String id, @RequestParam Map<String, String> params) {
        int userId = new Params(Map.of("id", id)).intIn("id", 0, 1, Params.MAX_ID);
        int delayMs = new Params(params).intIn("delayMs", 0, 0, 30_000);
        boolean fail = bool("fail", params.getOrDefault("fail", "false"));
        DeferredResult<ResponseEntity<Object>> answer = new DeferredResult<>(delayMs + 5_000L);
        timer.delay(Duration.ofMillis(delayMs)).thenRun(() -> answer.setResult(fail
                ? ResponseEntity.internalServerError().body(ProblemDetail.forStatusAndDetail(
                        HttpStatus.INTERNAL_SERVER_ERROR, "user " + userId + " failed, as asked (fail=true)"))
                : ResponseEntity.ok(new DownstreamClient.User(userId, "user-" + userId))));
        return answer;
    }

    private static boolean bool(String name, String raw) {
        if (raw.equals("true") || raw.equals("false")) {
            return Boolean.parseBoolean(raw);
        }
        throw new BadParameterException(name, raw, "true or false");
    }
}
