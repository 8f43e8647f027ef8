package io.loopbridge.spring.boot;

/**
 * A {@code loopbridge.*} property has a value the bridge refuses (a zero timeout, a pool size on a
 * SHARED bridge, a default bridge that is not declared). Startup fails with it, and
 * {@link InvalidBridgePropertyFailureAnalyzer} reports the property, the value and what is allowed.
 */
public class InvalidBridgePropertyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final String property;
    private final transient Object value;
    private final String allowed;

    public InvalidBridgePropertyException(String property, Object value, String allowed, Throwable cause) {
        super(property + "=" + value + " is invalid: " + allowed, cause);
        this.property = property;
        this.value = value;
        this.allowed = allowed;
    }

    /** The full property name, such as {@code loopbridge.bridges.api.timeout}. */
    public String property() {
        return property;
    }

    /** The value as bound. */
    public Object value() {
        return value;
    }

    /** What the property accepts, and why this value is refused. */
    public String allowed() {
        return allowed;
    }
}
