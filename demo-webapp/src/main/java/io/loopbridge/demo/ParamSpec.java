package io.loopbridge.demo;

/**
 * One query parameter an endpoint accepts: its name, kind, default and bounds. The server checks the
 * parameters against these, and {@code /api/scenarios} lists them for the page, so the two never
 * disagree. Threads: immutable.
 *
 * @param name the query parameter
 * @param kind what it holds
 * @param fallback its value when absent (as the request would spell it)
 * @param min an {@link Kind#INT INT}'s least value, an {@link Kind#IDS IDS} list's fewest ids
 * @param max an INT's greatest value, an IDS list's most ids
 * @param meaning what it does, for the page
 */
record ParamSpec(String name, Kind kind, String fallback, int min, int max, String meaning) {
    /** The greatest id an {@link Kind#IDS IDS} list may hold. */
    static final int MAX_ID = 1000;

    /** What a parameter holds. */
    enum Kind {
        /** An integer in [min, max], ASCII digits only. */
        INT,
        /** Comma-separated distinct ids in [1, {@value #MAX_ID}], min to max of them. */
        IDS,
        /** {@code true} or {@code false}. */
        BOOL
    }

    static ParamSpec integer(String name, int fallback, int min, int max, String meaning) {
        return new ParamSpec(name, Kind.INT, Integer.toString(fallback), min, max, meaning);
    }

    static ParamSpec ids(String name, String fallback, int minCount, int maxCount, String meaning) {
        return new ParamSpec(name, Kind.IDS, fallback, minCount, maxCount, meaning);
    }

    static ParamSpec bool(String name, boolean fallback, String meaning) {
        return new ParamSpec(name, Kind.BOOL, Boolean.toString(fallback), 0, 1, meaning);
    }

    /** What the parameter accepts, as the 400 says it. */
    String bounds() {
        return switch (kind) {
            case INT -> "an integer in [" + min + ", " + max + "], ASCII digits only";
            case IDS -> min + " to " + max + " distinct ids in [1, " + MAX_ID + "], comma-separated";
            case BOOL -> "true or false";
        };
    }
}
