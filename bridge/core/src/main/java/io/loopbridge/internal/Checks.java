package io.loopbridge.internal;

import java.time.Duration;

/**
 * The one precondition helper: every public entry point checks its arguments here, so that every
 * message has one style ({@code "delay: PT-1S (expected >= 0)"}, {@code "task must not be null"}).
 */
public final class Checks {
    private Checks() {}

    public static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }

    public static Duration nonNegative(Duration value, String name) {
        notNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected >= 0)");
        }
        return value;
    }

    public static Duration positive(Duration value, String name) {
        notNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected > 0)");
        }
        return value;
    }

    public static int nonNegative(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected >= 0)");
        }
        return value;
    }

    public static int positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected > 0)");
        }
        return value;
    }

    /** Refuses to set a builder option twice, naming the earlier value (as Caffeine does). */
    public static void notSetYet(Object earlier, String name) {
        if (earlier != null) {
            throw new IllegalStateException(name + " was already set to " + earlier);
        }
    }

    /** Nanoseconds of {@code d}, saturated instead of overflowing for absurdly long durations. */
    public static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
