package io.loopbridge.demo;

/**
 * A request parameter (or path segment) is missing, malformed or out of bounds; answered with 400 and
 * a problem detail naming the parameter, the value and the bounds ({@link DemoExceptionHandler}).
 */
final class BadParameterException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String param;
    final String value;
    final String bounds;

    BadParameterException(String param, String value, String bounds) {
        super(param + ": " + (value == null ? "missing" : "'" + value + "'") + " (expected " + bounds + ")");
        this.param = param;
        this.value = value;
        this.bounds = bounds;
    }
}
