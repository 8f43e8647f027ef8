package io.loopbridge;

/**
 * A user's detector, found by {@link java.util.ServiceLoader} (src/test/resources/META-INF/services):
 * threads named {@code acme-loop-*} run the "Acme" framework's loop.
 */
public final class NamedThreadLoopDetector implements ForeignLoopDetector {
    static final String LOOP_THREAD_PREFIX = "acme-loop-";

    @Override
    public String framework() {
        return "Acme";
    }

    @Override
    public boolean isLoopThread(Thread thread) {
        return thread.getName().startsWith(LOOP_THREAD_PREFIX);
    }

    @Override
    public String fix() {
        return "hand the call to acme.offload(...)";
    }
}
