package io.loopbridge.demo;

import java.time.Duration;
import java.util.Map;
import org.springframework.util.MultiValueMap;
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
 * after {@code delayMs}; {@code fail=true} answers 500 (bounds in {@link ScenarioCatalog}). {@code id} in [1, 1000].
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
    DeferredResult<ResponseEntity<Object>> user(@PathVariable String id,
            @RequestParam MultiValueMap<String, String> raw) {
        int userId = Params.pathInt("id", id, 1, ParamSpec.MAX_ID);
        Params params = Params.of(ScenarioCatalog.USERS, raw);
        int delayMs = params.integer("delayMs");
        boolean fail = params.bool("fail");
        DeferredResult<ResponseEntity<Object>> answer = new DeferredResult<>(delayMs + 5_000L);
        timer.delay(Duration.ofMillis(delayMs)).thenRun(() -> answer.setResult(fail
                ? ResponseEntity.internalServerError().body(ProblemDetail.forStatusAndDetail(
                        HttpStatus.INTERNAL_SERVER_ERROR, "user " + userId + " failed, as asked (fail=true)"))
                : ResponseEntity.ok(new DownstreamClient.User(userId, "user-" + userId))));
        return answer;
    }
}
