package io.loopbridge.spring;

/**
 * Declares the bridges of an application: implement it on a {@code @Configuration} class (or any bean)
 * of a context with {@link EnableLoopBridge}. Every configurer bean is applied, in {@code @Order}.
 *
 * <pre>{@code
 * @Override
 * public void configureBridges(LoopBridgeRegistry bridges) {
 *     bridges.bridge("api").mode(BridgeMode.SHARED).timeout(Duration.ofSeconds(2)).maxInFlight(200);
 *     bridges.bridge("reports").mode(BridgeMode.PER_CALL_POOLED).poolSize(8).timeout(Duration.ofSeconds(30))
 *             .maxInFlight(32);
 *     bridges.defaultBridge("api");
 * }
 * }</pre>
 *
 * <p>Without any configurer (or when no configurer declares a bridge) the context has one
 * {@link io.loopbridge.BridgeMode#SHARED SHARED} bridge named {@value LoopBridgeRegistry#DEFAULT_NAME}
 * and logs one warning about it. Threads: called once, on the thread that refreshes the context.
 */
public interface LoopBridgeConfigurer {

    /** Declares bridges on {@code bridges}; the default does nothing. */
    default void configureBridges(LoopBridgeRegistry bridges) {}
}
