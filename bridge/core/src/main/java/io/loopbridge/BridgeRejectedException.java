package io.loopbridge;

/**
 * A bridge refused a call at once because {@code maxInFlight} calls were already in flight: the
 * bridge sheds load instead of queueing without bound. Retrying later may succeed (Spring maps it to
 * 503 with {@code Retry-After}).
 */
public class BridgeRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int maxInFlight;

    public BridgeRejectedException(String message, int maxInFlight) {
        super(message);
        this.maxInFlight = maxInFlight;
    }

    /** The bound that was reached. */
    public int maxInFlight() {
        return maxInFlight;
    }
}
