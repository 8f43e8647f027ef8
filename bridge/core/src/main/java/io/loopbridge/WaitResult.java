package io.loopbridge;

import java.util.Collections;
import java.util.Set;

/**
 * What {@link EventLoop#wait} completes with: the stages that had completed and those still pending,
 * each in the order of the input, without duplicates. The pending ones were not cancelled. Immutable;
 * any thread.
 *
 * @param <S> the stage type, as passed in (a {@code Task<String>} in, a {@code Task<String>} out)
 */
public final class WaitResult<S> {
    private final Set<S> done;
    private final Set<S> pending;

    /** Takes ownership of the two sets (ordered, built by the wait). */
    WaitResult(Set<S> done, Set<S> pending) {
        this.done = Collections.unmodifiableSet(done);
        this.pending = Collections.unmodifiableSet(pending);
    }

    /** The stages that had completed when the wait ended; reading their outcome does not block. */
    public Set<S> done() {
        return done;
    }

    /** The stages still pending when the wait ended; they go on running. */
    public Set<S> pending() {
        return pending;
    }

    @Override
    public String toString() {
        return "WaitResult[done " + done.size() + ", pending " + pending.size() + "]";
    }
}
