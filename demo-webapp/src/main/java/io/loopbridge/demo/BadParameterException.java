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

    /** The longest prefix of a value a problem repeats. */
    static final int MAX_ECHO = 64;

    BadParameterException(String param, String value, String bounds) {
        super(echo(param) + ": " + (value == null ? "missing" : "'" + echo(value) + "'") + " (expected " + bounds + ")");
        this.param = echo(param);
        this.value = value == null ? null : echo(value);
        this.bounds = bounds;
    }

    /** {@code raw}, or its first {@value #MAX_ECHO} characters and how long it was. */
    static String echo(String raw) {
        return raw.length() <= MAX_ECHO ? raw : raw.substring(0, MAX_ECHO) + "... (" + raw.length() + " characters)";
    }
}
