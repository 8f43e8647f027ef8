/**
 * Spring Web MVC integration of loopbridge: {@link io.loopbridge.spring.EnableLoopBridge} and a
 * {@link io.loopbridge.spring.LoopBridgeConfigurer} declare bridges as beans that close with the
 * context; {@link io.loopbridge.spring.LoopBridgeExceptionHandler} maps loopbridge's exceptions to
 * RFC 9457 problem details; a controller may return {@code bridge.submit(...)} (the servlet thread is
 * released, an async timeout or a container error cancels the task on its loop);
 * {@link io.loopbridge.spring.LoopStreams} streams items produced on a loop to an {@code SseEmitter}
 * with backpressure.
 *
 * <p>Spring ({@code spring-webmvc}) and the Servlet API are optional dependencies of the library:
 * an application using this package brings them. Micrometer is optional too; with it and a
 * {@code MeterRegistry} bean, every bridge's metrics are published.
 */
package io.loopbridge.spring;
