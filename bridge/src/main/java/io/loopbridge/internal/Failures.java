package io.loopbridge.internal;

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

    /** Wraps {@code t} as CompletableFuture does for a dependent stage. */
    public static CompletionException wrap(Throwable t) {
        return t instanceof CompletionException ce ? ce : new CompletionException(t);
    }
}
