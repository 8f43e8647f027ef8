package io.loopbridge;

/**
 * A detector with a bug, found by {@link java.util.ServiceLoader}: it throws on threads named
 * {@code broken-detector-*}, and sees no loop elsewhere.
 */
public final class BrokenLoopDetector implements ForeignLoopDetector {
    static final String THREAD_PREFIX = "broken-detector-";

    @Override
    public String framework() {
        return "Broken";
    }

    @Override
    public boolean isLoopThread(Thread thread) {
        if (thread.getName().startsWith(THREAD_PREFIX)) {
            throw new IllegalStateException("the detector's bug");
        }
        return false;
    }
}
