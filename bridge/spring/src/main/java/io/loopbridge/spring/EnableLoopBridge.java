package io.loopbridge.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Adds loopbridge to a Spring application context: it only imports {@link LoopBridgeConfiguration}.
 *
 * <pre>{@code
 * @Configuration
 * @EnableWebMvc
 * @EnableLoopBridge
 * class WebConfig implements LoopBridgeConfigurer {
 *     @Override
 *     public void configureBridges(LoopBridgeRegistry bridges) {
 *         bridges.bridge("api").mode(BridgeMode.SHARED).timeout(Duration.ofSeconds(2)).maxInFlight(200);
 *     }
 * }
 * }</pre>
 *
 * <p>What it registers: the bridges ({@link LoopBridges}, and the default one as a {@code LoopBridge}
 * bean), closed with the context; when Spring Web MVC is present, the HTTP error mapping
 * ({@link LoopBridgeExceptionHandler}) and the servlet-async return path (a controller may return
 * {@code bridge.submit(...)}; an async timeout or a client error cancels the task on its loop); when
 * Micrometer is present and a {@code MeterRegistry} bean exists, the metrics of every bridge.
 *
 * <p>Put it on the configuration of the {@code DispatcherServlet}'s context (the servlet config of an
 * {@code AbstractAnnotationConfigDispatcherServletInitializer}): the servlet-async return path hooks
 * into that context's {@code RequestMappingHandlerAdapter}. Threads: everything here runs on the
 * thread that refreshes or closes the context.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
@Import(LoopBridgeConfiguration.class)
public @interface EnableLoopBridge {}
