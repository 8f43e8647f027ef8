/**
 * loopbridge: blocking code runs async code on an asyncio-style event loop ({@link io.loopbridge.LoopBridge},
 * {@link io.loopbridge.LoopManager}, {@link io.loopbridge.EventLoop}). Only {@code io.loopbridge} is API;
 * {@code io.loopbridge.internal} is not exported.
 */
module io.loopbridge {
    requires org.slf4j;
    // the JFR events io.loopbridge.Call, SlowCallback and LoopLag
    requires jdk.jfr;
    // optional: the caller's Micrometer context-propagation thread-locals follow it onto the loop
    requires static context.propagation;

    exports io.loopbridge;
    // detectors of other frameworks' event loops, beside the built-in ones (Reactor, Netty, Vert.x)
    uses io.loopbridge.ForeignLoopDetector;
}
