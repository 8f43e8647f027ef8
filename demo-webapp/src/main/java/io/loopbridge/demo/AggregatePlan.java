package io.loopbridge.demo;

import java.time.Duration;
import java.util.List;

/**
 * What an {@code aggregate} call fans out to, from its parameters (bounds in {@link ScenarioCatalog}):
 * {@code ids} (1 to 20 distinct ids in [1, 1000], default 1,2,3), {@code timeoutMs} per downstream call
 * ([1, 10000], default 1000), {@code delayMs} of the downstream ([0, 10000], default 50), {@code fail}
 * (ids whose downstream answers 500) and {@code slow} (ids whose downstream answers after
 * {@code timeoutMs} + 1000 ms, so they time out). Threads: immutable.
 */
record AggregatePlan(List<Integer> ids, Duration timeout, int delayMs, List<Integer> fail, List<Integer> slow) {

    static AggregatePlan from(Params params) {
        List<Integer> ids = params.ids("ids");
        int timeoutMs = params.integer("timeoutMs");
        int delayMs = params.integer("delayMs");
        List<Integer> fail = params.ids("fail");
        List<Integer> slow = params.ids("slow");
        return new AggregatePlan(ids, Duration.ofMillis(timeoutMs), delayMs, fail, slow);
    }

    int delayFor(int id) {
        return slow.contains(id) ? (int) timeout.toMillis() + 1000 : delayMs;
    }

    boolean fails(int id) {
        return fail.contains(id);
    }
}
