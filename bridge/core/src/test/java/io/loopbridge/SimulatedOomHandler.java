package io.loopbridge;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For the tests that kill a shared loop thread on purpose with {@code new OutOfMemoryError("simulated")}:
 * the dying thread rethrows it to the default uncaught-exception handler. For each test this extension
 * installs a default handler that drops that one error and passes anything else on to the previous
 * handler (or prints it), then restores the previous handler. Threads: installed and restored on the
 * test thread; the handler runs on the dying thread.
 *
 * <pre>{@code @RegisterExtension final SimulatedOomHandler oom = new SimulatedOomHandler();}</pre>
 */
final class SimulatedOomHandler implements BeforeEachCallback, AfterEachCallback {
    static final String MESSAGE = "simulated";
    private Thread.UncaughtExceptionHandler previous;

    @Override
    public void beforeEach(ExtensionContext context) {
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            if (failure instanceof OutOfMemoryError && MESSAGE.equals(failure.getMessage())) {
                return;
            }
            if (previous != null) {
                previous.uncaughtException(thread, failure);
            } else {
                failure.printStackTrace();
            }
        });
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }
}
