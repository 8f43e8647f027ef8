package io.loopbridge.demo;

import io.loopbridge.BridgeMode;
import io.loopbridge.LoopBridge;
import io.loopbridge.spring.EnableLoopBridge;
import io.loopbridge.spring.LoopBridgeConfigurer;
import io.loopbridge.spring.LoopBridgeRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The demo's Spring configuration: Web MVC, one bridge per {@link DemoMode} (named like the mode), the
 * page's static files, {@link ServerTiming}, and the helpers (timer, HTTP client, the streams' writers, meter registry).
 *
 * <p>Settings, as system properties of the JVM running the container:
 * <ul>
 *   <li>{@code loopbridge.demo.timeoutMs} (default 5000): every bridge's timeout; a call over it answers 504.</li>
 *   <li>{@code loopbridge.demo.maxInFlight} (default 64): every bridge's bound; a call beyond it answers 503.</li>
 * </ul>
 *
 * <p>Threads: its methods run on the thread deploying the web app.
 */
@Configuration
@EnableWebMvc
@EnableLoopBridge
@ComponentScan
public class DemoConfig implements LoopBridgeConfigurer, WebMvcConfigurer {

    @Bean
    DemoSettings demoSettings() {
        return DemoSettings.fromSystemProperties();
    }

    @Override
    public void configureBridges(LoopBridgeRegistry bridges) {
        DemoSettings settings = demoSettings();
        for (DemoMode mode : DemoMode.values()) {
            LoopBridge.Builder bridge = bridges.bridge(mode.path).mode(mode.bridgeMode).timeout(settings.timeout())
                    .maxInFlight(settings.maxInFlight());
            if (mode.bridgeMode != BridgeMode.SHARED) { // SHARED has one loop thread (and the default watchdog)
                bridge.poolSize(settings.poolSize()); // the pooled workers, and per-call's submit workers
            }
        }
        bridges.defaultBridge(DemoMode.SHARED.path);
    }

    @Bean(destroyMethod = "close")
    DemoTimer demoTimer() {
        return new DemoTimer();
    }

    @Bean(destroyMethod = "close")
    DownstreamClient downstreamClient() {
        return new DownstreamClient();
    }

    @Bean(destroyMethod = "close")
    StreamWriters streamWriters() {
        return new StreamWriters();
    }

    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/index.html", "/app.js", "/app.css", "/favicon.svg", "/favicon.ico").addResourceLocations("/");
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new ServerTiming.Start()).addPathPatterns("/api/**", "/downstream/**");
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController("/").setViewName("forward:/index.html");
    }

    @Override
    public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
        // longer than any bridge call: the bridge's own timeout (504) answers first
        configurer.setDefaultTimeout(demoSettings().timeout().plusSeconds(5).toMillis());
    }
}
