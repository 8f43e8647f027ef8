package io.loopbridge.demo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.util.MultiValueMap;

/**
 * The query parameters of one endpoint, checked strictly against its {@link ParamSpec}s before
 * anything runs: a parameter the endpoint does not take, one given twice, an empty value, anything but
 * ASCII digits for a number (no sign, no {@code +}, no other script's digits) or a value out of
 * bounds is a {@link BadParameterException} (400) naming the parameter, its value (a bounded prefix)
 * and what is accepted. Threads: used on the request thread only.
 */
final class Params {
    /** At most this many digits: every bound fits, and so does any int. */
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
    private final String endpoint;
    private final Map<String, ParamSpec> specs;
    private final Map<String, String> values;

    private Params(String endpoint, Map<String, ParamSpec> specs, Map<String, String> values) {
        this.endpoint = endpoint;
        this.specs = specs;
        this.values = values;
    }

    /** The parameters {@code raw} of {@code endpoint} (a name of {@link ScenarioCatalog}), checked. */
    static Params of(String endpoint, MultiValueMap<String, String> raw) {
        Map<String, ParamSpec> specs = ScenarioCatalog.paramsOf(endpoint);
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : raw.entrySet()) {
            String name = entry.getKey();
            List<String> given = entry.getValue();
            ParamSpec spec = specs.get(name);
            if (spec == null) {
                throw new BadParameterException(name, given.get(0), specs.isEmpty() ? "no parameter: " + endpoint
                        + " takes none" : "one of the parameters of " + endpoint + ": " + specs.keySet());
            }
            if (given.size() > 1) {
                throw new BadParameterException(name, String.join(", ", given), "one value: " + spec.bounds()
                        + " (the parameter was given " + given.size() + " times)");
            }
            if (given.get(0).isEmpty()) {
                throw new BadParameterException(name, "", spec.bounds() + "; leave the parameter out for its default "
                        + spec.fallback());
            }
            values.put(name, given.get(0));
        }
        return new Params(endpoint, specs, values);
    }

    /** The endpoint of {@link ScenarioCatalog} these are the parameters of. */
    String endpoint() {
        return endpoint;
    }

    /** An INT parameter's value, or its default. */
    int integer(String name) {
        ParamSpec spec = spec(name, ParamSpec.Kind.INT);
        return parse(name, values.getOrDefault(name, spec.fallback()), spec.min(), spec.max(), spec.bounds());
    }

    /** An IDS parameter's distinct ids, in the order given, or its default. */
    List<Integer> ids(String name) {
        ParamSpec spec = spec(name, ParamSpec.Kind.IDS);
        String raw = values.getOrDefault(name, spec.fallback());
        if (raw.isEmpty()) { // only a default can be empty: a given empty value was refused
            return List.of();
        }
        String[] parts = raw.split(",", -1);
        if (parts.length < spec.min() || parts.length > spec.max()) {
            throw new BadParameterException(name, raw, spec.bounds());
        }
        Set<Integer> ids = new LinkedHashSet<>();
        for (String part : parts) {
            if (!ids.add(parse(name, part, 1, ParamSpec.MAX_ID, spec.bounds()))) {
                throw new BadParameterException(name, raw, spec.bounds());
            }
        }
        return new ArrayList<>(ids);
    }

    /** A BOOL parameter's value, or its default. */
    boolean bool(String name) {
        ParamSpec spec = spec(name, ParamSpec.Kind.BOOL);
        String raw = values.getOrDefault(name, spec.fallback());
        if (!raw.equals("true") && !raw.equals("false")) {
            throw new BadParameterException(name, raw, spec.bounds());
        }
        return Boolean.parseBoolean(raw);
    }

    /** A path segment that must be an integer in [min, max]. */
    static int pathInt(String name, String raw, int min, int max) {
        return parse(name, raw, min, max, "an integer in [" + min + ", " + max + "], ASCII digits only");
    }

    private ParamSpec spec(String name, ParamSpec.Kind kind) {
        ParamSpec spec = specs.get(name);
        if (spec == null || spec.kind() != kind) {
            throw new IllegalArgumentException(endpoint + " declares no " + kind + " parameter '" + name
                    + "' in ScenarioCatalog (it declares " + specs.values() + ")");
        }
        return spec;
    }

    private static int parse(String name, String raw, int min, int max, String bounds) {
        if (!DIGITS.matcher(raw).matches()) {
            throw new BadParameterException(name, raw, bounds);
        }
        int value = Integer.parseInt(raw);
        if (value < min || value > max) {
            throw new BadParameterException(name, raw, bounds);
        }
        return value;
    }
}
