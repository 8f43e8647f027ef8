package io.loopbridge.internal;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;

/**
 * The optional half of {@link CallContext}: loaded only when {@code io.micrometer:context-propagation}
 * is on the class path, so the library works without it.
 */
final class MicrometerContext {
    private static final ContextSnapshotFactory FACTORY = ContextSnapshotFactory.builder().build();

    private MicrometerContext() {}

    /** A snapshot of every registered thread-local accessor, or null when none is registered. */
    static Object captureOrNull() {
        if (ContextRegistry.getInstance().getThreadLocalAccessors().isEmpty()) {
            return null;
        }
        return FACTORY.captureAll();
    }

    static AutoCloseable open(Object snapshot) {
        return ((ContextSnapshot) snapshot).setThreadLocals();
    }

    static void close(AutoCloseable scope) {
        ((ContextSnapshot.Scope) scope).close();
    }
}
