package io.loopbridge;

import io.loopbridge.internal.Failures;
import java.util.concurrent.CancellationException;

/** When {@link EventLoop#wait} completes: asyncio's {@code return_when} constants. */
public enum WaitMode {
    /** As soon as any stage completes, normally or not. */
    FIRST_COMPLETED,
    /**
     * As soon as any stage fails (a cancellation is not a failure here, as in asyncio), or when every
     * stage has completed.
     */
    FIRST_EXCEPTION,
    /** When every stage has completed. */
    ALL_COMPLETED;

    /** True if a stage that just completed with {@code failure} (null: normally), leaving {@code pending}, ends the wait. */
    boolean endsWith(Throwable failure, int pending) {
        return pending == 0 || this == FIRST_COMPLETED
                || this == FIRST_EXCEPTION && failure != null && !(Failures.unwrap(failure) instanceof CancellationException);
    }
}
