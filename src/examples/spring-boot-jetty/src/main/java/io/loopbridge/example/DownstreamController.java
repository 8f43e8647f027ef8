package io.loopbridge.example;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The slow downstream service the clients call: this application itself unless
 * {@code example.downstream.base-url} names another. It answers after {@code ms} without holding a
 * request thread (servlet async).
 */
@RestController
class DownstreamController {
    /** The longest delay the downstream accepts. */
    static final long MAX_MS = 30_000;
    private final String baseUrl;

    DownstreamController(@Value("${example.downstream.base-url:}") String baseUrl) {
        this.baseUrl = baseUrl;
    }

    @GetMapping("/downstream/slow")
    CompletableFuture<String> slow(@RequestParam long ms) {
        long delay = Math.max(0, Math.min(ms, MAX_MS));
        return CompletableFuture.supplyAsync(() -> "slow " + delay + " ms",
                CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
    }

    /** Where to ask for an answer after {@code ms}; on the request thread (it reads the current request). */
    URI slowUri(long ms) {
        UriComponentsBuilder uri = baseUrl.isEmpty() ? ServletUriComponentsBuilder.fromCurrentContextPath()
                : UriComponentsBuilder.fromUriString(baseUrl);
        return uri.path("/downstream/slow").queryParam("ms", ms).build().toUri();
    }
}
