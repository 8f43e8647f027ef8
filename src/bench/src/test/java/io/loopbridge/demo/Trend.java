package io.loopbridge.demo;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether a series sampled over time trends upward, the way hydrology and climate series are tested:
 * Sen's slope for how much it rises, the Mann-Kendall test for whether the rise is more than noise.
 *
 * <p>{@code rise} is the Theil-Sen slope (the median of the slopes between every two samples, so that
 * a few outliers, a GC pause or a noisy neighbour, do not tilt it) times the series' length in time.
 * {@code z} is the Mann-Kendall statistic (ties corrected, normal approximation): above
 * {@link #Z_ONE_PERCENT} the series rises more often than not with less than a 1 % chance of it
 * being noise. A series trends upward when both hold: it rises by more than it may, and that rise is
 * significant. A steady leak is monotone, so its {@code z} is as high as the sample count allows (3.0
 * for 7 samples), while a flat series whose values jitter (open sockets, calls in flight) often has a
 * Sen's rise of a few units on few samples but no significance.
 *
 * <p>Threads: immutable; the computation runs on the calling thread.
 *
 * @param rise Sen's slope times the time the series spans, in the series' unit
 * @param z the Mann-Kendall statistic; 0 for a series with no ups and downs
 * @param median the series' median
 */
record Trend(double rise, double z, double median) {
    /** The one-sided 1 % quantile of the standard normal distribution. */
    static final double Z_ONE_PERCENT = 2.326;

    /** The trend of values {@code v} sampled at times {@code t} (same length, at least two distinct times). */
    static Trend of(double[] t, double[] v) {
        if (t.length != v.length || t.length < 2) {
            throw new IllegalArgumentException("a trend needs two samples or more, one value per time: " + t.length
                    + " times, " + v.length + " values");
        }
        int n = t.length;
        double[] slopes = new double[n * (n - 1) / 2];
        int count = 0;
        long s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (t[j] != t[i]) {
                    slopes[count++] = (v[j] - v[i]) / (t[j] - t[i]);
                }
                s += Double.compare(v[j], v[i]);
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("a trend needs samples at two distinct times: " + Arrays.toString(t));
        }
        double span = Arrays.stream(t).max().orElseThrow() - Arrays.stream(t).min().orElseThrow();
        return new Trend(median(Arrays.copyOf(slopes, count)) * span, mannKendallZ(s, v), median(v.clone()));
    }

    /** Rises by more than {@code allowed}, and significantly so. */
    boolean upward(double allowed) {
        return rise > allowed && z > Z_ONE_PERCENT;
    }

    private static double mannKendallZ(long s, double[] v) {
        int n = v.length;
        Map<Double, Integer> ties = new HashMap<>();
        for (double value : v) {
            ties.merge(value, 1, Integer::sum);
        }
        double variance = n * (n - 1.0) * (2 * n + 5);
        for (int tie : ties.values()) {
            variance -= tie * (tie - 1.0) * (2 * tie + 5);
        }
        variance /= 18;
        if (variance == 0 || s == 0) {
            return 0;
        }
        return (s - Math.signum(s)) / Math.sqrt(variance); // continuity correction
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
