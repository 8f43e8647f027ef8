package io.loopbridge.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every endpoint's query parameters, in one place: {@link Params} checks requests against it and
 * {@code GET /api/scenarios} serves it to the page (which builds its forms and bounds from it).
 * Threads: immutable.
 */
final class ScenarioCatalog {
    /** Most ids one aggregate call fans out to. */
    static final int MAX_IDS = 20;
    /** The trivial body, {@code /api/{mode}/hello} and {@code /api/overhead/{mode}/hello}: no parameters. */
    static final String HELLO = "hello";
    /** The downstream of the aggregate scenario, {@code /downstream/users/{id}}. */
    static final String USERS = "users";
    /** The SSE endpoint, {@code /api/{mode}/stream}. */
    static final String STREAM = "stream";

    /** By endpoint, in the page's order; the scenarios of {@code /api/{mode}/{scenario}} first. */
    private static final Map<String, List<ParamSpec>> PARAMS = new LinkedHashMap<>();

    static {
        PARAMS.put(HELLO, List.of());
        PARAMS.put("sleep", List.of(ParamSpec.integer("ms", 100, 0, 10_000, "a loop timer of this many ms")));
        PARAMS.put("aggregate", List.of(
                ParamSpec.ids("ids", "1,2,3", 1, MAX_IDS, "the users fetched at once over HTTP"),
                ParamSpec.integer("timeoutMs", 1000, 1, 10_000, "the timeout of each downstream call"),
                ParamSpec.integer("delayMs", 50, 0, 10_000, "how long the downstream takes"),
                ParamSpec.ids("fail", "", 0, MAX_IDS, "ids whose downstream answers 500"),
                ParamSpec.ids("slow", "", 0, MAX_IDS, "ids whose downstream answers after timeoutMs + 1000 ms")));
        PARAMS.put("limited", List.of(
                ParamSpec.integer("n", 20, 1, 1000, "tasks"),
                ParamSpec.integer("concurrency", 4, 1, 100, "tasks at once (an AsyncSemaphore)"),
                ParamSpec.integer("taskMs", 20, 0, 1000, "each task's sleep")));
        PARAMS.put("blocking", List.of(ParamSpec.integer("ms", 50, 0, 10_000,
                "blocking work moved off the loop with runInExecutor")));
        PARAMS.put("nested", List.of());
        PARAMS.put("cpu", List.of(ParamSpec.integer("rounds", CpuWork.DEFAULT_ROUNDS, 1, CpuWork.MAX_ROUNDS,
                "SHA-256 rounds on the loop thread, about 1.5 us each")));
        PARAMS.put(STREAM, List.of(
                ParamSpec.integer("n", 10, 1, 1000, "tick events"),
                ParamSpec.integer("intervalMs", 100, 0, 10_000, "between ticks")));
        PARAMS.put(USERS, List.of(
                ParamSpec.integer("delayMs", 0, 0, 30_000, "how long the answer takes"),
                ParamSpec.bool("fail", false, "answer 500")));
    }

    private ScenarioCatalog() {}

    /** The parameters of {@code endpoint}, by name. */
    static Map<String, ParamSpec> paramsOf(String endpoint) {
        List<ParamSpec> specs = PARAMS.get(endpoint);
        if (specs == null) {
            throw new IllegalArgumentException("no endpoint '" + endpoint + "' in ScenarioCatalog: " + PARAMS.keySet());
        }
        return specs.stream().collect(Collectors.toMap(ParamSpec::name, Function.identity(), (a, b) -> a,
                LinkedHashMap::new));
    }

    /** Every endpoint with its parameters, in order. */
    static Map<String, List<ParamSpec>> all() {
        return PARAMS;
    }
}
