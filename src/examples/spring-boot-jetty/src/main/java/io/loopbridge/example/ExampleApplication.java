package io.loopbridge.example;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A Spring Boot application on Jetty with loopbridge's starter and {@code application.properties}
 * only: no {@code @EnableLoopBridge}, no {@code @EnableWebMvc}. Its async clients are beans as in any
 * application; {@link ClientsController} wraps them in blocking controllers.
 *
 * <p>Threads: Jetty's request threads run the controllers; the bridges' loops run the clients'
 * callbacks; WebClient's and Lettuce's own Netty threads complete their futures.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class ExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }

    /** WebClient on Reactor Netty (its own event-loop threads). */
    @Bean
    WebClient webClient(WebClient.Builder builder) {
        return builder.build();
    }

    /** The JDK client, whose sendAsync completes on its own executor. */
    @Bean
    HttpClient httpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    @Bean(destroyMethod = "shutdown")
    RedisClient redisClient(@Value("${example.redis.uri}") String uri) {
        return RedisClient.create(RedisURI.create(uri));
    }

    /** One shared connection for single commands (Lettuce multiplexes it); pipelines open their own. */
    @Bean(destroyMethod = "close")
    StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
        return client.connect();
    }

    /** Counts WebClient subscriptions cancelled (by a bridge timeout, say): visible as {@code example.webclient.cancelled}. */
    @Bean
    Counter webClientCancellations(MeterRegistry registry) {
        return Counter.builder("example.webclient.cancelled").description("WebClient calls whose subscription was cancelled")
                .register(registry);
    }

    /** Puts the request id into the MDC, as a tracing filter would: the bridge carries it into callbacks. */
    @Bean
    OncePerRequestFilter requestIdFilter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String id = request.getHeader("X-Request-Id");
                MDC.put("requestId", id != null ? id : "none");
                try {
                    chain.doFilter(request, response);
                } finally {
                    MDC.remove("requestId");
                }
            }
        };
    }
}
