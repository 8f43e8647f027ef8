package io.loopbridge.example;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.loopbridge.AsyncCallable;
import io.loopbridge.EventLoop;
import io.loopbridge.LoopBridge;
import io.loopbridge.reactive.LoopPublishers;
import io.loopbridge.spring.LoopBridges;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Ordinary blocking controllers, one set per bridge ({@code /shared/...}, {@code /per-call/...},
 * {@code /pooled/...}), that wrap real async clients: WebClient, the JDK {@code HttpClient} and
 * Lettuce. Each request starts its client calls inside the body, so a call the bridge refuses (503)
 * or that times out while queued sends nothing downstream. An optional {@code budgetMs} is the
 * call's timeout instead of the bridge's.
 *
 * <p>Threads: each method runs on a Jetty request thread and blocks in {@code bridge.run}; the
 * bodies and their callbacks run on the bridge's loop thread, with the request's MDC.
 */
@RestController
@RequestMapping("/{bridge}")
class ClientsController {
    /** The most Redis commands one request may send. */
    static final int MAX_COMMANDS = 10_000;
    private final LoopBridges bridges;
    private final DownstreamController downstream;
    private final WebClient webClient;
    private final HttpClient http;
    private final RedisAsyncCommands<String, String> redis;
    private final RedisClient redisClient;
    private final RedisURI redisUri;
    private final Counter webClientCancellations;

    ClientsController(LoopBridges bridges, DownstreamController downstream, WebClient webClient, HttpClient http,
            StatefulRedisConnection<String, String> redis, RedisClient redisClient,
            @Value("${example.redis.uri}") String redisUri, Counter webClientCancellations) {
        this.bridges = bridges;
        this.downstream = downstream;
        this.webClient = webClient;
        this.http = http;
        this.redis = redis.async();
        this.redisClient = redisClient;
        this.redisUri = RedisURI.create(redisUri);
        this.webClientCancellations = webClientCancellations;
    }

    /** WebClient's {@code bodyToMono}: subscribed when the body runs, its subscription cancelled with the call. */
    @GetMapping("/webclient")
    String webClient(@PathVariable String bridge, @RequestParam(defaultValue = "10") long ms,
            @RequestParam(required = false) Long budgetMs) {
        Mono<String> answer = downstream(ms);
        return call(bridge, budgetMs, loop -> LoopPublishers.await(loop, answer).thenApply(body -> "webclient: " + body));
    }

    /** The JDK client's {@code sendAsync}. */
    @GetMapping("/httpclient")
    String httpClient(@PathVariable String bridge, @RequestParam(defaultValue = "10") long ms,
            @RequestParam(required = false) Long budgetMs) {
        HttpRequest request = HttpRequest.newBuilder(downstream.slowUri(ms)).build();
        return call(bridge, budgetMs, loop -> loop.await(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .thenApply(response -> "httpclient: " + response.body()));
    }

    /** The request's MDC (set by a servlet filter) as a WebClient callback on the loop sees it. */
    @GetMapping("/mdc")
    String mdc(@PathVariable String bridge) {
        Mono<String> answer = downstream(1);
        return call(bridge, null, loop -> LoopPublishers.await(loop, answer)
                .thenApply(body -> "requestId=" + MDC.get("requestId")));
    }

    /**
     * Do not: {@code bridge.run} inside a Reactor operator runs on a Reactor Netty event-loop thread and
     * would block it; the guard refuses it (500 naming Reactor and the fix).
     */
    @GetMapping("/nested")
    String nested(@PathVariable String bridge) {
        LoopBridge b = bridge(bridge);
        Mono<String> answer = downstream(1).map(body -> b.run(inner -> inner.sleep(Duration.ofMillis(1)).thenApply(v -> body)));
        return call(bridge, null, loop -> LoopPublishers.await(loop, answer));
    }

    /** A SET then a GET of the same key, on the shared Lettuce connection. */
    @GetMapping("/redis/set-get")
    String setGet(@PathVariable String bridge, @RequestParam String key, @RequestParam String value) {
        return call(bridge, null, loop -> loop.await(redis.set(key, value))
                .thenCompose(ok -> loop.await(redis.get(key)))
                .thenApply(read -> key + "=" + read));
    }

    /** An MSET of {@code n} keys, then {@code n} GETs at once, gathered. */
    @GetMapping("/redis/fan-out")
    String fanOut(@PathVariable String bridge, @RequestParam(defaultValue = "50") int n) {
        int count = commands(n);
        String prefix = "example:" + bridge + ":fan-out:";
        Map<String, String> values = new LinkedHashMap<>();
        IntStream.range(0, count).forEach(i -> values.put(prefix + i, Integer.toString(i)));
        return call(bridge, null, loop -> loop.await(redis.mset(values))
                .thenCompose(ok -> loop.gather(values.keySet().stream().map(key -> loop.await(redis.get(key))).toList()))
                .thenApply(read -> read.size() + " GETs, sum " + read.stream().mapToLong(Long::parseLong).sum()));
    }

    /**
     * {@code n} INCRs sent in one flush on a connection of its own, under a timeout of the body's
     * ({@code stageTimeoutMs}; 504 naming the stage when it expires); {@code blockSeconds} first puts
     * a BLPOP in front, which holds the pipeline that long. The connection is closed in a cleanup
     * that runs on success, failure and cancellation alike.
     */
    @GetMapping("/redis/pipeline")
    String pipeline(@PathVariable String bridge, @RequestParam(defaultValue = "100") int n,
            @RequestParam(defaultValue = "1000") long stageTimeoutMs, @RequestParam(defaultValue = "0") long blockSeconds) {
        int count = commands(n);
        String counter = "example:" + bridge + ":pipeline:" + System.nanoTime();
        return call(bridge, null, loop -> loop.await(redisClient.connectAsync(StringCodec.UTF8, redisUri))
                .thenCompose(connection -> loop.withCleanup(
                        loop.timeout(pipelined(loop, connection, counter, count, blockSeconds),
                                Duration.ofMillis(stageTimeoutMs)),
                        connection::closeAsync))
                .thenApply(last -> count + " INCRs in one flush, counter " + last));
    }

    private static CompletionStage<Object> pipelined(EventLoop loop, StatefulRedisConnection<String, String> connection,
            String counter, int count, long blockSeconds) {
        connection.setAutoFlushCommands(false);
        RedisAsyncCommands<String, String> commands = connection.async();
        List<CompletionStage<?>> replies = new ArrayList<>(count + 1);
        if (blockSeconds > 0) {
            replies.add(commands.blpop(blockSeconds, counter + ":never"));
        }
        for (int i = 0; i < count; i++) {
            replies.add(commands.incr(counter));
        }
        connection.flushCommands();
        return loop.gather(replies).thenApply(all -> all.get(all.size() - 1));
    }

    private Mono<String> downstream(long ms) {
        URI target = downstream.slowUri(ms);
        return webClient.get().uri(target).retrieve().bodyToMono(String.class).doOnCancel(webClientCancellations::increment);
    }

    private <T> T call(String bridge, Long budgetMs, AsyncCallable<T> body) {
        LoopBridge b = bridge(bridge);
        return budgetMs == null ? b.run(body) : b.run(body, Duration.ofMillis(budgetMs));
    }

    private LoopBridge bridge(String name) {
        return bridges.find(name).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no bridge '"
                + name + "' (this example declares " + bridges.all().stream().map(LoopBridge::name).toList() + ")"));
    }

    private static int commands(int n) {
        if (n < 1 || n > MAX_COMMANDS) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "n: " + n + " (expected 1 to " + MAX_COMMANDS + ")");
        }
        return n;
    }
}
