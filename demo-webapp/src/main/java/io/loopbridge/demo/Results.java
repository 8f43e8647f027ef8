package io.loopbridge.demo;

import io.loopbridge.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * The JSON bodies of the scenarios (Jackson writes records as objects). {@code thread} fields name the
 * thread that produced the value: a loop thread for the bridge modes, the request thread for
 * {@code direct}. Threads: immutable values.
 */
final class Results {
    private Results() {}

    record Hello(String mode, String message, String thread) {}

    record Slept(String mode, int requestedMs, long elapsedMs, String thread) {}

    record Limited(String mode, int n, int concurrency, int maxConcurrent, long elapsedMs) {}

    record Blocked(String mode, int blockedMs, String blockingThread, String loopThread) {}

    record Tick(int i, String thread) {}

    /** One id of an aggregate: {@code status} is ok, failed or timeout; {@code user} or {@code error} is set. */
    record UserResult(int id, String status, DownstreamClient.User user, String error) {}

    record Aggregate(String mode, int ok, int failed, int timedOut, long elapsedMs, List<UserResult> users) {

        /** Per-id results from the settled outcomes, in the order of {@code ids} (gather's order). */
        static Aggregate of(String mode, List<Integer> ids, List<Outcome<DownstreamClient.User>> outcomes, long startNanos) {
            List<UserResult> users = new ArrayList<>(ids.size());
            int ok = 0;
            int timedOut = 0;
            for (int i = 0; i < ids.size(); i++) {
                Outcome<DownstreamClient.User> outcome = outcomes.get(i);
                if (outcome instanceof Outcome.Success<DownstreamClient.User> success) {
                    users.add(new UserResult(ids.get(i), "ok", success.value(), null));
                    ok++;
                } else {
                    Throwable failure = ((Outcome.Failure<DownstreamClient.User>) outcome).failure();
                    boolean timeout = failure instanceof TimeoutException || failure instanceof CancellationException;
                    users.add(new UserResult(ids.get(i), timeout ? "timeout" : "failed", null, failure.toString()));
                    timedOut += timeout ? 1 : 0;
                }
            }
            return new Aggregate(mode, ok, ids.size() - ok - timedOut, timedOut, millisSince(startNanos), users);
        }
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
