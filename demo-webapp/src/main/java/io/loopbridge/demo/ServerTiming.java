package io.loopbridge.demo;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Every JSON answer of the demo, a problem detail included, carries a {@code Server-Timing} header
 * (W3C Server Timing) with the server's own view of the request, so the page can show it beside the
 * browser's, which includes the browser's queueing and the network:
 * {@code bridge;dur=20.4;desc="bridge call", handler;dur=21.0;desc="whole handler"} in milliseconds.
 * {@code handler} runs from the first {@link Start#preHandle} of the request to the body's write (for a
 * servlet-async answer that includes the async dispatch); {@code bridge} is the bridge call timed by
 * {@link #bridge} or {@link #bridgeAsync}, absent where there was none (the {@code direct} baseline, a
 * 400).
 *
 * <p>Threads: {@link Start} and {@link #beforeBodyWrite} run on request threads; {@link #bridgeAsync}'s
 * record on the thread that completes the call, before the future Spring waits on completes (so before
 * the async dispatch that writes the header).
 */
@ControllerAdvice
final class ServerTiming implements ResponseBodyAdvice<Object> {
    /** The response header. */
    static final String HEADER = "Server-Timing";
    private static final String STARTED = ServerTiming.class.getName() + ".started";
    private static final String BRIDGE = ServerTiming.class.getName() + ".bridge";

    /** Records when the request reached its handler: the start of {@code handler}. */
    static final class Start implements HandlerInterceptor {
        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
            if (request.getAttribute(STARTED) == null) { // not again on the async dispatch
                request.setAttribute(STARTED, System.nanoTime());
            }
            return true;
        }
    }

    /** Runs a blocking bridge call and records its time as {@code bridge}, whether it returns or throws. */
    static <T> T bridge(HttpServletRequest request, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            request.setAttribute(BRIDGE, System.nanoTime() - start);
        }
    }

    /** Starts a submitted bridge call; the returned future completes after its time was recorded as {@code bridge}. */
    static <T> CompletableFuture<T> bridgeAsync(HttpServletRequest request, Supplier<CompletableFuture<T>> call) {
        long start = System.nanoTime();
        return call.get().whenComplete((value, failure) -> request.setAttribute(BRIDGE, System.nanoTime() - start));
    }

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
            ServerHttpResponse response) {
        if (request instanceof ServletServerHttpRequest servlet) {
            String timing = header(servlet.getServletRequest());
            if (timing != null) {
                response.getHeaders().set(HEADER, timing);
            }
        }
        return body;
    }

    /** The header's value from the request's records, or null before any handler was reached. */
    private static String header(HttpServletRequest request) {
        Object started = request.getAttribute(STARTED);
        if (started == null) {
            return null;
        }
        String handler = metric("handler", System.nanoTime() - (Long) started, "whole handler");
        Object bridge = request.getAttribute(BRIDGE);
        return bridge == null ? handler : metric("bridge", (Long) bridge, "bridge call") + ", " + handler;
    }

    private static String metric(String name, long nanos, String description) {
        return String.format(Locale.ROOT, "%s;dur=%.3f;desc=\"%s\"", name, nanos / 1e6, description);
    }
}
