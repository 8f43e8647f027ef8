package io.loopbridge.demo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks the query parameters of a scenario; every violation is a
 * {@link BadParameterException} (400) naming the parameter, its value and the bounds. Threads: used on
 * the request thread only.
 */
final class Params {
    /** Most ids one aggregate call fans out to. */
    static final int MAX_IDS = 20;
    static final int MAX_ID = 1000;

    private final Map<String, String> values;

    Params(Map<String, String> values) {
        this.values = values;
    }

    /** An integer in [min, max], or {@code fallback} when absent. */
    int intIn(String name, int fallback, int min, int max) {
        String raw = values.get(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        return parse(name, raw, min, max);
    }

    /** A comma-separated list of distinct ids in [1, MAX_ID], at most {@code maxCount}; {@code fallback} when absent. */
    List<Integer> ids(String name, String fallback, int minCount, int maxCount) {
        String raw = values.getOrDefault(name, fallback);
        String bounds = minCount + " to " + maxCount + " distinct ids in [1, " + MAX_ID + "], comma-separated";
        if (raw.isBlank()) {
            if (minCount > 0) {
                throw new BadParameterException(name, raw, bounds);
            }
            return List.of();
        }
        String[] parts = raw.split(",", -1);
        if (parts.length > maxCount) {
            throw new BadParameterException(name, raw, bounds);
        }
        Set<Integer> ids = new LinkedHashSet<>();
        for (String part : parts) {
            if (!ids.add(parse(name, part.trim(), 1, MAX_ID))) {
                throw new BadParameterException(name, raw, bounds);
            }
        }
        return new ArrayList<>(ids);
    }

    private static int parse(String name, String raw, int min, int max) {
        String bounds = "an integer in [" + min + ", " + max + "]";
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw new BadParameterException(name, raw, bounds);
            }
            return value;
        } catch (NumberFormatException notANumber) {
            throw new BadParameterException(name, raw, bounds);
        }
    }
}
