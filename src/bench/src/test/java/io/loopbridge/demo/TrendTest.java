package io.loopbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The soak's trend test on hand-made series: seven samples ten seconds apart, like the 1-minute soak. */
class TrendTest {
    private static final double[] T = {0, 10, 20, 30, 40, 50, 60};

    @Test
    void steadyRise_isUpward_withSensSlopeTimesTheSpan_andTheLargestZSevenSamplesAllow() {
        Trend trend = Trend.of(T, new double[] {25, 27, 29, 31, 33, 35, 37});

        assertThat(trend.rise()).isCloseTo(12, within(1e-9));
        assertThat(trend.z()).isCloseTo(20 / Math.sqrt(7 * 6 * 19 / 18.0), within(1e-9)); // 3.00
        assertThat(trend.median()).isEqualTo(31);
        assertThat(trend.upward(8)).isTrue();
        assertThat(trend.upward(12)).as("a rise within what is allowed").isFalse();
    }

    @Test
    void flatSeries_hasNoRise_andNoSignificance() {
        Trend trend = Trend.of(T, new double[] {117, 117, 117, 117, 117, 117, 117});

        assertThat(trend.rise()).isZero();
        assertThat(trend.z()).isZero();
        assertThat(trend.upward(0)).isFalse();
    }

    @Test
    void jitteringFlatSeries_isNotUpward_evenWhereItsSensRiseExceedsTheFloor() {
        Trend trend = Trend.of(T, new double[] {170, 164, 181, 166, 180, 172, 181});

        assertThat(trend.rise()).as("Sen's rise alone would call it a trend").isGreaterThan(8);
        assertThat(trend.z()).isLessThan(Trend.Z_ONE_PERCENT);
        assertThat(trend.upward(8)).isFalse();
    }

    @Test
    void oneSpike_doesNotTiltTheSlope() {
        Trend trend = Trend.of(T, new double[] {25.0, 25.1, 24.9, 25.0, 25.2, 24.8, 60.0});

        assertThat(trend.rise()).isLessThan(1);
        assertThat(trend.upward(1)).isFalse();
    }

    @Test
    void steadyFall_isNotUpward() {
        Trend trend = Trend.of(T, new double[] {37, 35, 33, 31, 29, 27, 25});

        assertThat(trend.rise()).isCloseTo(-12, within(1e-9));
        assertThat(trend.z()).isNegative();
        assertThat(trend.upward(0)).isFalse();
    }

    @Test
    void unevenSampleTimes_theSlopeIsPerUnitOfTime() {
        Trend trend = Trend.of(new double[] {0, 5, 30, 60}, new double[] {0, 5, 30, 60});

        assertThat(trend.rise()).isCloseTo(60, within(1e-9));
    }

    @Test
    void tooFewSamplesOrMismatchedLengths_areRefused() {
        assertThatThrownBy(() -> Trend.of(new double[] {0}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two samples");
        assertThatThrownBy(() -> Trend.of(new double[] {0, 10}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 times, 1 values");
        assertThatThrownBy(() -> Trend.of(new double[] {10, 10}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two distinct times");
    }
}
