package io.loopbridge.demo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * The requests of {@link BadInputFuzzIT}: request {@code i} of a run is {@code generate(requestSeed(runSeed, i))},
 * a pure function of its seed. Each starts from a real path of the demo ({@link #TEMPLATES}) with the query
 * parameters that path reads, then draws every value from a {@link ValueKind} (in range, boundaries, just out
 * of range, huge, decimal, hex, encodings, non-ASCII digits, very long, ...) and may mutate a path segment
 * ({@link SegmentMutation}), the query's structure ({@link QueryMutation}) or the whole target
 * ({@link TargetMutation}). Values that cost wall time ({@code ms}, {@code taskMs}, {@code delayMs},
 * {@code intervalMs}, a stream's {@code n}) lean to small numbers, and no valid value asks for more than
 * {@link #MAX_ASKED_MILLIS} (so {@code /downstream}'s {@code delayMs} bound of 30000 is only crossed, never
 * reached), which keeps a run fast while the boundaries are still sent.
 *
 * <p>A target is a string of chars 0x00 to 0xFF that {@code HttpConnection.get} sends one byte each: percent
 * escapes are written out, and chars 0x80 to 0xFF are raw bytes on the wire.
 *
 * <p>{@link #documented} is the other generator: real path {@code i} of {@link #TEMPLATES} with every parameter
 * it reads set to a small valid value and nothing mutated, the request the README documents;
 * {@link #overBudget} is one such request that asks for more than the timeout.
 *
 * <p>{@link #askedMillis} reads a target back the way the demo reads it, for the oracle.
 *
 * <p>Threads: stateless statics; an instance is one generation on one thread.
 */
final class BadInputs {
    /**
     * One request: its seed, its target, the real path it started from (one of {@link #TEMPLATES}) and its
     * traits, the kinds of values and mutations it carries ({@link #allTraits}).
     */
    record Request(long seed, String target, String template, Set<String> traits) {

        /** The target as printable ASCII (other chars as {@code \xNN}), cut to 200 chars plus its length. */
        String printable() {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < target.length() && text.length() < 200; i++) {
                char c = target.charAt(i);
                text.append(c > ' ' && c < 0x7F ? String.valueOf(c) : String.format("\\x%02X", (int) c));
            }
            return text.length() < 200 ? text.toString() : text + "... (" + target.length() + " chars)";
        }
    }

    enum ValueKind {
        IN_RANGE, BOUNDARY, JUST_OUT, NEGATIVE, HUGE, DECIMAL, HEX, SIGN_OR_SPACE, EMPTY, NOT_A_NUMBER,
        NON_ASCII_DIGITS, PERCENT_ENCODED, DOUBLE_ENCODED, INVALID_ESCAPE, OVERLONG_UTF8, NUL, RAW_NON_ASCII, LONG,
        LIST_DUPLICATES, LIST_TOO_MANY, LIST_EMPTY_ELEMENTS, LIST_SPACES, BOOLEAN_VARIANT, PRODUCT_BOUNDARY
    }

    enum SegmentMutation {
        UNKNOWN, EMPTY, CASE, LONG, PERCENT_ENCODED, DOUBLE_ENCODED, UNICODE, DOT_SEGMENT, ENCODED_DOT_SEGMENT,
        ENCODED_SLASH, DOUBLE_SLASH, MATRIX_PARAM, NUL, INVALID_ESCAPE, OVERLONG_UTF8, RAW_NON_ASCII, BACKSLASH,
        TRAILING_SLASH
    }

    enum QueryMutation { RANDOM_NAME, REPEATED, EMPTY_PAIRS, NO_NAME, NO_VALUE, ENCODED_SEPARATOR, SEMICOLON, FRAGMENT }

    enum TargetMutation { RAW_SPACE, RAW_CONTROL, NO_LEADING_SLASH }

    /** The bridges' timeout, read from the system properties the web app reads too (set by failsafe). */
    static final long TIMEOUT_MS = DemoSettings.fromSystemProperties().timeout().toMillis();
    /** How far past the timeout {@link #overBudget} asks to sleep. */
    static final int OVER_BUDGET_MILLIS = 500;
    /** Longest wait a valid value of a time-like parameter asks for. */
    static final int MAX_ASKED_MILLIS = 10_000;
    /** Jetty's default limit of the request line and headers: a longer target is answered 414 (or 431). */
    static final int JETTY_HEADER_LIMIT = 8 * 1024;
    static final List<String> MODES = DemoMode.paths();
    static final List<String> SCENARIOS =
            List.of("hello", "sleep", "aggregate", "limited", "blocking", "nested", "cpu", "stream");
    static final List<String> DIRECT_SCENARIOS = List.of("hello", "sleep", "aggregate", "cpu");
    /** Every real path of the demo ({@code /api/{mode}/async/stream} is none: it answers 404). */
    static final List<String> TEMPLATES = Stream.of(
            SCENARIOS.stream().map(s -> "/api/{mode}/" + s),
            SCENARIOS.stream().filter(s -> !s.equals("stream")).map(s -> "/api/{mode}/async/" + s),
            DIRECT_SCENARIOS.stream().map(s -> "/api/direct/" + s),
            Stream.of("/api/overhead/{mode}/hello", "/api/overhead/{mode}/async/hello", "/downstream/users/{id}",
                    "/api/stats", "/")).flatMap(s -> s).toList();

    /** How a parameter's values are drawn; TIME values cost wall time, so they lean to small numbers. */
    private enum Kind { INT, TIME, IDS, BOOL }

    /** A query parameter the demo reads, with its documented bounds (a count of ids for IDS). */
    private record Param(String name, Kind kind, int min, int max) {}

    private static final List<Param> AGGREGATE = List.of(new Param("ids", Kind.IDS, 1, ScenarioCatalog.MAX_IDS),
            new Param("timeoutMs", Kind.TIME, 1, 10_000), new Param("delayMs", Kind.TIME, 0, 10_000),
            new Param("fail", Kind.IDS, 0, ScenarioCatalog.MAX_IDS), new Param("slow", Kind.IDS, 0, ScenarioCatalog.MAX_IDS));
    private static final List<Param> STREAM =
            List.of(new Param("n", Kind.TIME, 1, 1000), new Param("intervalMs", Kind.TIME, 0, 10_000));
    private static final List<Param> DOWNSTREAM =
            List.of(new Param("delayMs", Kind.TIME, 0, 30_000), new Param("fail", Kind.BOOL, 0, 1));
    /** The query parameters of each scenario. */
    private static final Map<String, List<Param>> PARAMS = Map.of(
            "hello", List.of(),
            "nested", List.of(),
            "sleep", List.of(new Param("ms", Kind.TIME, 0, 10_000)),
            "blocking", List.of(new Param("ms", Kind.TIME, 0, 10_000)),
            "aggregate", AGGREGATE,
            "limited", List.of(new Param("n", Kind.INT, 1, 1000), new Param("concurrency", Kind.INT, 1, 100),
                    new Param("taskMs", Kind.TIME, 0, 1000)),
            "cpu", List.of(new Param("rounds", Kind.INT, 1, CpuWork.MAX_ROUNDS)),
            "stream", STREAM);
    private static final Param USER_ID = new Param("id", Kind.INT, 1, ParamSpec.MAX_ID);
    /** The value kinds that are neither in range, nor a boundary, nor just out: one is drawn uniformly. */
    private static final List<ValueKind> ODD_NUMBERS = List.of(ValueKind.NEGATIVE, ValueKind.HUGE,
            ValueKind.DECIMAL, ValueKind.HEX, ValueKind.SIGN_OR_SPACE, ValueKind.EMPTY, ValueKind.NOT_A_NUMBER,
            ValueKind.NON_ASCII_DIGITS, ValueKind.PERCENT_ENCODED, ValueKind.DOUBLE_ENCODED, ValueKind.INVALID_ESCAPE,
            ValueKind.OVERLONG_UTF8, ValueKind.NUL, ValueKind.RAW_NON_ASCII, ValueKind.LONG);
    /** The zero of a few Unicode digit blocks ({@code Character.digit} reads them all). */
    private static final char[] DIGIT_ZEROS = {'\u0660', '\u06F0', '\u0966', '\u0E50', '\uFF10'};
    private static final int[] LONG_LENGTHS = {1024, 4096, 7000, 8192, 9000, 16 * 1024, 64 * 1024, 100 * 1024};

    private final SplittableRandom random;
    private final Set<String> traits = new TreeSet<>();

    private BadInputs(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The seed of request {@code index} of the run {@code runSeed} (SplitMix64). */
    static long requestSeed(long runSeed, long index) {
        long z = runSeed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The request of {@code seed}. */
    static Request generate(long seed) {
        return new BadInputs(seed).request(seed);
    }

    /**
     * Template {@code template} of {@link #TEMPLATES} as documented: a mode drawn from {@code seed}, every
     * parameter it reads in range (waits of at most 1 ms, {@code fail=false}), no mutation. Answered 200 (500
     * for {@code /nested}).
     */
    static Request documented(long seed, int template) {
        return new BadInputs(seed).documentedRequest(seed, TEMPLATES.get(template));
    }

    /**
     * A documented request that asks for more than the bridges' timeout: {@code /api/{mode}/sleep} for
     * {@link #OVER_BUDGET_MILLIS} past it, a mode drawn from {@code seed}. Answered 504.
     */
    static Request overBudget(long seed) {
        BadInputs draw = new BadInputs(seed);
        String target = "/api/" + draw.pick(MODES) + "/sleep?ms=" + (TIMEOUT_MS + OVER_BUDGET_MILLIS);
        return new Request(seed, target, "/api/{mode}/sleep", Set.of(trait(ValueKind.IN_RANGE)));
    }

    /** Every trait a run can exercise: the kinds of values and mutations. */
    static Set<String> allTraits() {
        Set<String> all = new TreeSet<>();
        Arrays.stream(ValueKind.values()).forEach(k -> all.add(trait(k)));
        Arrays.stream(SegmentMutation.values()).forEach(m -> all.add(trait(m)));
        Arrays.stream(QueryMutation.values()).forEach(m -> all.add(trait(m)));
        Arrays.stream(TargetMutation.values()).forEach(m -> all.add(trait(m)));
        return all;
    }

    private static String trait(Enum<?> kind) {
        return kind.getDeclaringClass().getSimpleName() + "." + kind.name();
    }

    // ------------------------------------------------------------------ a request

    /** Where a request starts: a real path's segments, its template, and the query parameters it reads. */
    private record Start(List<String> segments, String template, List<Param> params) {}

    private Request request(long seed) {
        Start start = start();
        String path = path(new ArrayList<>(start.segments()));
        String query = query(start.params());
        String target = mutateTarget(query.isEmpty() ? path : path + "?" + query);
        return new Request(seed, target, start.template(), Set.copyOf(traits));
    }

    private Request documentedRequest(long seed, String template) {
        String scenario = template.substring(template.lastIndexOf('/') + 1);
        List<Param> params = template.startsWith("/downstream/") ? DOWNSTREAM : PARAMS.getOrDefault(scenario, List.of());
        String path = template.replace("{mode}", pick(MODES)).replace("{id}", Integer.toString(inRange(USER_ID)));
        String query = String.join("&", params.stream().map(p -> p.name() + "=" + documentedValue(p)).toList());
        return new Request(seed, query.isEmpty() ? path : path + "?" + query, template, Set.of(trait(ValueKind.IN_RANGE)));
    }

    private String documentedValue(Param p) {
        return switch (p.kind()) {
            case INT -> Integer.toString(inRange(p));
            case TIME -> Integer.toString(p.min() + random.nextInt(2));
            case IDS -> idList(random.nextInt(Math.max(p.min(), 1), 6));
            case BOOL -> "false";
        };
    }

    private Start start() {
        int roll = random.nextInt(100);
        if (roll < 62) {
            boolean async = roll >= 38;
            String scenario = pick(SCENARIOS.subList(0, async ? SCENARIOS.size() - 1 : SCENARIOS.size()));
            String mode = pick(MODES);
            return new Start(async ? List.of("api", mode, "async", scenario) : List.of("api", mode, scenario),
                    "/api/{mode}/" + (async ? "async/" : "") + scenario, PARAMS.get(scenario));
        }
        if (roll < 72) {
            String scenario = pick(DIRECT_SCENARIOS);
            return new Start(List.of("api", "direct", scenario), "/api/direct/" + scenario, PARAMS.get(scenario));
        }
        if (roll < 80) {
            boolean async = random.nextBoolean();
            String mode = random.nextInt(4) == 0 ? "direct" : pick(MODES);
            return new Start(async ? List.of("api", "overhead", mode, "async", "hello")
                    : List.of("api", "overhead", mode, "hello"),
                    "/api/overhead/{mode}/" + (async ? "async/" : "") + "hello", List.of());
        }
        if (roll < 92) {
            return new Start(List.of("downstream", "users", numberValue(USER_ID)), "/downstream/users/{id}",
                    DOWNSTREAM);
        }
        return roll < 96 ? new Start(List.of("api", "stats"), "/api/stats", List.of())
                : new Start(List.of(), "/", List.of());
    }

    /** The path of {@code segments}, one of them mutated a third of the time: half of those the last one. */
    private String path(List<String> segments) {
        if (!segments.isEmpty() && random.nextInt(100) < 35) {
            int index = random.nextBoolean() ? segments.size() - 1 : random.nextInt(segments.size());
            segments.set(index, mutate(segments.get(index), pick(SegmentMutation.values())));
        }
        return "/" + String.join("/", segments);
    }

    private String mutate(String segment, SegmentMutation mutation) {
        traits.add(trait(mutation));
        return switch (mutation) {
            case UNKNOWN -> pick("bogus", "x", "0", "null", "undefined", "-", "_", "api", "async", "stats",
                    "index.html");
            case EMPTY -> "";
            case CASE -> random.nextBoolean() ? segment.toUpperCase() : capitalized(segment);
            case LONG -> longText();
            case PERCENT_ENCODED -> percentEncoded(segment, random.nextBoolean() ? "%%%02X" : "%%%02x");
            case DOUBLE_ENCODED -> percentEncoded(segment, "%%25%02X");
            case UNICODE -> pick(percentUtf8(segment + "\u00e9"), percentUtf8("\u0455" + withoutFirst(segment)),
                    percentUtf8(segment + "\uD83D\uDE00"), percentUtf8("\u202E" + segment), rawUtf8(segment + "\u00fc"),
                    percentUtf8(segment.toUpperCase().replace('S', '\uFF33')));
            case DOT_SEGMENT -> pick("..", ".", segment + "/..", "../" + segment, "./" + segment, "...", "..;");
            case ENCODED_DOT_SEGMENT -> pick("%2e%2e", "%2E%2E", ".%2e", "%2e", "%2e%2e/" + segment, "%252e%252e");
            case ENCODED_SLASH -> pick(segment + "%2F", "%2f" + segment, "..%2F" + segment, segment + "%5C", "%2F");
            case DOUBLE_SLASH -> "/" + segment;
            case MATRIX_PARAM -> segment + pick(";x=1", ";", ";jsessionid=0123", ";a;b", ";=", ";%00");
            case NUL -> pick(segment + "%00", "%00" + segment, "%00");
            case INVALID_ESCAPE -> segment + pick("%", "%z", "%zz", "%4", "%G1", "%%");
            case OVERLONG_UTF8 -> segment + pick("%c0%af", "%c0%ae%c0%ae", "%e0%80%af", "%ed%a0%80", "%ff", "%80");
            case RAW_NON_ASCII -> segment + pick("\u00e9", "\u00c3\u00a9", "\u00ff", "\u00a0", "\u0080");
            case BACKSLASH -> pick("\\" + segment, segment + "\\..", "%5C" + segment);
            case TRAILING_SLASH -> segment + "/";
        };
    }

    private String query(List<Param> params) {
        List<String> pairs = new ArrayList<>();
        if (params == STREAM && random.nextInt(100) < 30) {
            pairs.addAll(streamAtItsBound());
        } else {
            for (Param p : params) {
                if (random.nextInt(100) < 75) {
                    pairs.add(p.name() + "=" + value(p));
                }
            }
        }
        if (chance(15, QueryMutation.RANDOM_NAME)) {
            pairs.add(pick("x", "MS", "Ms", "ms%20", "ms[]", "ids[]", "timeout", "_", "%C3%A9", "a.b", "ms%00", "%26")
                    + "=" + numberValue(new Param("x", Kind.INT, 0, 100)));
        }
        if (!params.isEmpty() && chance(8, QueryMutation.REPEATED)) {
            Param p = pick(params);
            pairs.add(p.name() + "=" + value(p));
        }
        if (!params.isEmpty() && chance(4, QueryMutation.NO_VALUE)) {
            pairs.add(pick(params).name());
        }
        if (chance(4, QueryMutation.NO_NAME)) {
            pairs.add(pick("=", "=5", "=%00", "=="));
        }
        if (!params.isEmpty() && chance(3, QueryMutation.ENCODED_SEPARATOR)) {
            pairs.add(pick(params).name() + pick("=5%26n%3D7", "%3D5", "=1%3B2", "=5%23x"));
        }
        shuffle(pairs);
        if (chance(4, QueryMutation.EMPTY_PAIRS)) {
            pairs.add(random.nextInt(pairs.size() + 1), "");
            pairs.add(random.nextInt(pairs.size() + 1), "");
        }
        String query = String.join(pairs.size() > 1 && chance(2, QueryMutation.SEMICOLON) ? ";" : "&", pairs);
        return chance(2, QueryMutation.FRAGMENT) ? query + pick("#x", "#", "#%00") : query;
    }

    private String mutateTarget(String target) {
        if (!chance(3, null)) {
            return target;
        }
        TargetMutation mutation = pick(TargetMutation.values());
        traits.add(trait(mutation));
        int at = 1 + random.nextInt(target.length());
        return switch (mutation) {
            case RAW_SPACE -> target.substring(0, at) + " " + target.substring(at);
            case RAW_CONTROL -> target.substring(0, at) + pick("\t", "\u0001", "\u007f", "\u0000", "\u001b")
                    + target.substring(at);
            case NO_LEADING_SLASH -> target.length() > 1 ? target.substring(1) : "*"; // never empty: HTTP/0.9
        };
    }

    // ------------------------------------------------------------------ values

    private String value(Param p) {
        return switch (p.kind()) {
            case INT, TIME -> numberValue(p);
            case IDS -> ids(p);
            case BOOL -> bool();
        };
    }

    /** An integer parameter's value (or a path variable's), in wire form. */
    private String numberValue(Param p) {
        int roll = random.nextInt(100);
        if (roll < 40) {
            return kind(ValueKind.IN_RANGE, Integer.toString(inRange(p)));
        }
        if (roll < 50) {
            return kind(ValueKind.BOUNDARY, Integer.toString(boundary(p)));
        }
        if (roll < 58) {
            return kind(ValueKind.JUST_OUT, Integer.toString(random.nextBoolean() ? p.min() - 1 : p.max() + 1));
        }
        ValueKind kind = pick(ODD_NUMBERS);
        return kind(kind, odd(kind, Integer.toString(inRange(p))));
    }

    private int inRange(Param p) {
        if (p.kind() != Kind.TIME) {
            return random.nextInt(p.min(), p.max() + 1);
        }
        int spread = random.nextInt(10) < 9 ? 10 : 300; // small: a request costs little wall time
        return random.nextInt(p.min(), Math.min(p.max(), p.min() + spread) + 1);
    }

    private int boundary(Param p) {
        int top = p.kind() == Kind.TIME ? Math.min(p.max(), MAX_ASKED_MILLIS) : p.max();
        if (p.kind() == Kind.TIME && random.nextInt(5) != 0) {
            return p.min() + random.nextInt(2); // the top of a time-like value costs up to 10 s: rarer
        }
        int nearTimeout = (int) Math.min(top, TIMEOUT_MS) + random.nextInt(-1, 2);
        return pick(p.min(), p.min() + 1, top - 1, top, nearTimeout);
    }

    /**
     * A stream's {@code n} and {@code intervalMs} whose product is within a few ms of the bridge timeout or of
     * 3/4 of it, on either side: the stream is one bridge call, so its duration is bounded.
     */
    private List<String> streamAtItsBound() {
        long budget = random.nextBoolean() ? TIMEOUT_MS : TIMEOUT_MS * 3 / 4;
        int n = pick(1, 2, 3, 10, 100, 562, 1000);
        long intervalMs = Math.max(0, budget / n + random.nextInt(-2, 2));
        traits.add(trait(ValueKind.PRODUCT_BOUNDARY));
        return List.of("n=" + n, "intervalMs=" + intervalMs);
    }

    /** {@code valid} (a number in range) turned into a value of {@code kind}. */
    private String odd(ValueKind kind, String valid) {
        return switch (kind) {
            case NEGATIVE -> pick("-" + (1 + random.nextInt(1000)), "-0", "--1", "-" + valid);
            case HUGE -> pick("2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296",
                    "9223372036854775807", "9223372036854775808", "1e400", "99999999999999999999999999");
            case DECIMAL -> pick(valid + ".0", valid + ".5", "0." + valid, "1e3", "1E2", ".5", valid + ",5");
            case HEX -> pick("0x" + Integer.toHexString(Integer.parseInt(valid)), "0X1F", "#" + valid, "0" + valid,
                    "0b1", "1_000");
            case SIGN_OR_SPACE -> pick("+" + valid, "%2B" + valid, "%20" + valid, valid + "%20", "%09" + valid, "++1");
            case EMPTY -> "";
            case NOT_A_NUMBER -> pick("NaN", "Infinity", "-Infinity", "null", "undefined", "abc", "true", "1a", "a1",
                    "0x", "-", "+", "%E2%88%9E");
            case NON_ASCII_DIGITS -> nonAsciiDigits(valid);
            case PERCENT_ENCODED -> percentEncoded(valid, "%%%02X");
            case DOUBLE_ENCODED -> percentEncoded(valid, "%%25%02X");
            case INVALID_ESCAPE -> pick(valid + "%", "%" + valid, valid + "%z", "%zz", valid + "%4", "%G0");
            case OVERLONG_UTF8 -> pick("%C0%B1", "%E0%80%B1", "%C0%AF", "%ED%A0%80", "%FF", "%80" + valid);
            case NUL -> pick(valid + "%00", "%00" + valid, "%00");
            case RAW_NON_ASCII -> pick(valid + "\u00e9", "\u00a0" + valid, valid + "\u00c3\u00a9", "\u00ff");
            case LONG -> longText();
            default -> throw new IllegalArgumentException("not an odd number: " + kind);
        };
    }

    /** A comma-separated id list: mostly distinct ids in range, else one of the list faults or an odd element. */
    private String ids(Param p) {
        int roll = random.nextInt(10);
        if (roll < 4) {
            int count = random.nextInt(10) == 0 ? p.max() : random.nextInt(Math.max(p.min(), 1), 6);
            return kind(ValueKind.IN_RANGE, idList(count));
        }
        return switch (roll) {
            case 4 -> kind(ValueKind.LIST_DUPLICATES, pick("3,3", idList(3) + ",1", "1,2,1"));
            case 5 -> kind(ValueKind.LIST_TOO_MANY, idList(p.max() + 1 + random.nextInt(20)));
            case 6 -> kind(ValueKind.LIST_EMPTY_ELEMENTS, pick("1,,2", ",", "1,", ",1", ",,", "%2C"));
            case 7 -> kind(ValueKind.LIST_SPACES, pick("1,%202", "1,+2", "%201", "1%20,2", "1%09,2", "+"));
            default -> idList(random.nextInt(3)) + (random.nextBoolean() ? "" : ",") + numberValue(USER_ID);
        };
    }

    /** {@code count} distinct ids, mostly small ones so that {@code fail} and {@code slow} meet {@code ids}. */
    private String idList(int count) {
        Set<Integer> ids = new TreeSet<>();
        int range = count <= 5 ? 5 : 1000;
        while (ids.size() < count) {
            ids.add(1 + random.nextInt(Math.max(range, count)));
        }
        return String.join(",", ids.stream().map(String::valueOf).toList());
    }

    private String bool() {
        if (random.nextInt(10) < 6) {
            return kind(ValueKind.IN_RANGE, random.nextBoolean() ? "true" : "false");
        }
        return kind(ValueKind.BOOLEAN_VARIANT, pick("TRUE", "True", "1", "0", "yes", "on", "", "%74rue", "t%72ue",
                "true%00", "true%20", "tru", "falsee", "%E2%80%8Btrue", "true,false"));
    }

    /** 1 KiB to 100 KiB of one repeated unit (digits, ids, letters, escapes, raw bytes): below and over 8 KiB. */
    private String longText() {
        int length = LONG_LENGTHS[random.nextInt(LONG_LENGTHS.length)];
        String unit = pick("9", "1,", "a", "%41", "%C3%A9", "\u00e9", "%2e%2e/");
        traits.add(trait(ValueKind.LONG));
        return unit.repeat((length + unit.length() - 1) / unit.length());
    }

    private String nonAsciiDigits(String valid) {
        char zero = DIGIT_ZEROS[random.nextInt(DIGIT_ZEROS.length)];
        StringBuilder digits = new StringBuilder();
        valid.chars().forEach(c -> digits.append((char) (zero + c - '0')));
        return random.nextInt(4) == 0 ? rawUtf8(digits.toString()) : percentUtf8(digits.toString());
    }

    // ------------------------------------------------------------------ helpers

    private String kind(ValueKind kind, String value) {
        traits.add(trait(kind));
        return value;
    }

    /** True {@code percent} % of the time; then records {@code mutation} (if any) as exercised. */
    private boolean chance(int percent, QueryMutation mutation) {
        boolean yes = random.nextInt(100) < percent;
        if (yes && mutation != null) {
            traits.add(trait(mutation));
        }
        return yes;
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private void shuffle(List<String> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            list.set(i, list.set(random.nextInt(i + 1), list.get(i)));
        }
    }

    private static String withoutFirst(String text) {
        return text.isEmpty() ? text : text.substring(1);
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String percentEncoded(String text, String format) {
        StringBuilder encoded = new StringBuilder();
        text.chars().forEach(c -> encoded.append(String.format(format, c)));
        return encoded.toString();
    }

    private static String percentUtf8(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            encoded.append(String.format("%%%02X", b & 0xFF));
        }
        return encoded.toString();
    }

    /** The UTF-8 bytes of {@code text} as chars 0x00 to 0xFF: raw bytes on the wire. */
    private static String rawUtf8(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ reading a target back

    /**
     * How long the demo would work on {@code target}, in ms, reading it as the demo does ({@link #scenarioOf},
     * {@link #queryOf}, and the demo's own {@link Params} checking the values): 0 when the demo refuses the
     * target or does not wait.
     */
    static long askedMillis(String target) {
        MultiValueMap<String, String> query = queryOf(target);
        try {
            return query == null ? 0 : askedMillis(Params.of(scenarioOf(target), query));
        } catch (BadParameterException | IllegalArgumentException refusedOrNoScenario) { // a 400, or not a scenario
            return 0;
        }
    }

    /**
     * Whether the demo's strict reading refuses {@code target}'s query for its scenario (so the answer must be
     * a 4xx): a query that does not decode, or one that {@link Params} refuses for a scenario of the
     * {@link ScenarioCatalog} (every parameter read as its kind). False for a target that is not a scenario.
     */
    static boolean refusedQuery(String target) {
        String scenario = scenarioOf(target);
        if (!ScenarioCatalog.all().containsKey(scenario)) {
            return false; // the page, its files and the stats read no parameter
        }
        MultiValueMap<String, String> query = queryOf(target);
        if (query == null) {
            return true;
        }
        try {
            Params params = Params.of(scenario, query);
            for (ParamSpec spec : ScenarioCatalog.all().get(scenario)) {
                switch (spec.kind()) {
                    case INT -> params.integer(spec.name());
                    case IDS -> params.ids(spec.name());
                    case BOOL -> params.bool(spec.name());
                }
            }
            return false;
        } catch (BadParameterException refused) {
            return true;
        }
    }

    /** The last segment of {@code target}'s path as the demo reads it (decoded, path parameters dropped); "" if bad. */
    static String scenarioOf(String target) {
        String text = requestTarget(target);
        String path = text.substring(0, indexOfOr(text, "?#", text.length()));
        String segment = path.substring(path.lastIndexOf('/') + 1);
        int semicolon = segment.indexOf(';');
        try {
            return URLDecoder.decode((semicolon < 0 ? segment : segment.substring(0, semicolon)).replace("+", "%2B"),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return "";
        }
    }

    /**
     * The query parameters of {@code target} as the demo reads them: every value of each name, decoded as
     * UTF-8 with {@code +} as a space; null when the query cannot be decoded (the server answers 400).
     */
    static MultiValueMap<String, String> queryOf(String target) {
        String text = requestTarget(target);
        int pathEnd = indexOfOr(text, "?#", text.length());
        MultiValueMap<String, String> query = new LinkedMultiValueMap<>();
        if (pathEnd == text.length() || text.charAt(pathEnd) != '?') {
            return query;
        }
        try {
            for (String pair : text.substring(pathEnd + 1, indexOfOr(text, "#", text.length())).split("&")) {
                if (pair.isEmpty()) {
                    continue; // "a=1&&b=2": no parameter between the separators
                }
                String[] nameValue = pair.split("=", 2);
                query.add(URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8),
                        nameValue.length > 1 ? URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8) : "");
            }
            return query;
        } catch (IllegalArgumentException badEscape) {
            return null;
        }
    }

    /** How long the scenario {@code params} were read for waits, in ms. */
    private static long askedMillis(Params params) {
        return switch (params.endpoint()) {
            case "sleep", "blocking" -> params.integer("ms");
            case "limited" -> {
                int n = params.integer("n");
                int concurrency = params.integer("concurrency");
                yield (long) (n + concurrency - 1) / concurrency * params.integer("taskMs");
            }
            // each tick costs its interval plus up to about 1 ms, as the demo's own bound counts it
            case ScenarioCatalog.STREAM -> (long) params.integer("n") * (params.integer("intervalMs") + 1);
            case "aggregate" -> {
                AggregatePlan plan = AggregatePlan.from(params);
                yield plan.ids().stream().mapToLong(id -> Math.min(plan.delayFor(id), plan.timeout().toMillis()))
                        .max().orElse(0);
            }
            default -> 0;
        };
    }

    /**
     * The request target as the server's parser reads it from the request line (it ends at the first space or
     * tab), its bytes decoded as UTF-8 (the percent escapes are left as they are).
     */
    private static String requestTarget(String target) {
        String sent = target.substring(0, indexOfOr(target, " \t", target.length()));
        return new String(sent.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** The first index in {@code text} of any of {@code chars}, or {@code otherwise}. */
    private static int indexOfOr(String text, String chars, int otherwise) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return otherwise;
    }
}
