package io.loopbridge.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How failures of async code travel: unwrapping and rethrowing, one rule for every entry point. */
public final class Failures {
    private Failures() {}

    /** Strips {@link CompletionException} and {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Errors after which a loop cannot vouch for its own state; everything else a callback throws is reported. */
    public static boolean isFatal(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
    }

    /**
     * The exception a completed future holds, unwrapped, or null if it completed normally. Read
     * through {@code handle}, not {@code join}/{@code getNow}: since JDK 23 those throw a new
     * {@code CancellationException("join")} whose cause is the stored one, hiding its message.
     */
    public static Throwable failureOf(CompletableFuture<?> done) {
        Throwable[] failure = new Throwable[1];
        // a direct executor: runs at once (the future is done), also on a loop future, whose plain
        // handle() would defer to its loop
        done.handleAsync((value, t) -> failure[0] = t, Runnable::run);
        return failure[0] == null ? null : unwrap(failure[0]);
    }

    /** Wraps {@code t} as CompletableFuture does for a dependent stage. */
    public static CompletionException wrap(Throwable t) {
        return t instanceof CompletionException ce ? ce : new CompletionException(t);
    }
}
