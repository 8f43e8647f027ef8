package io.loopbridge;

/** How an admitted call ended, as {@link CallListener} reports it and {@link BridgeStats} counts it. */
public enum CallOutcome {
    /** The body's stage completed normally. */
    SUCCESS,
    /**
     * The call did not finish in time: {@link LoopTimeoutException} (the bridge's timeout), or a
     * {@link java.util.concurrent.TimeoutException} the body itself failed with (a
     * {@code loop.timeout(...)} or a deadline scope that expired inside it).
     */
    TIMEOUT,
    /** Any other failure: the body's exception, a cancellation, a dead loop, the bridge closing. */
    FAILURE
}
