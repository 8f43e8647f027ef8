package io.loopbridge;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures the events of one Logback logger for assertions (thread-safe: loop threads and the
 * Cleaner thread log too). While it captures, the logger logs at every level and not to the console;
 * {@link #close()} restores both.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.of(EventLoop.class)) {
 *     ...
 *     assertThat(log.messages(Level.ERROR)).anyMatch(m -> m.contains("..."));
 * }}</pre>
 *
 * <p>Or for every test of a class, from its creation to the end of each test:
 * {@code @RegisterExtension final LogCapture log = LogCapture.of(LoopBridge.class);}
 */
public final class LogCapture implements AutoCloseable, AfterEachCallback {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Level previousLevel;
    private final boolean previousAdditive;

    private LogCapture(Logger logger) {
        this.logger = logger;
        this.previousLevel = logger.getLevel();
        this.previousAdditive = logger.isAdditive();
        appender.list = new CopyOnWriteArrayList<>();
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.ALL);
        logger.setAdditive(false);
    }

    public static LogCapture of(Class<?> loggerClass) {
        return new LogCapture((Logger) LoggerFactory.getLogger(loggerClass));
    }

    List<ILoggingEvent> events() {
        return List.copyOf(appender.list);
    }

    List<ILoggingEvent> events(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).collect(Collectors.toList());
    }

    /** Formatted messages (arguments filled in) at {@code level}. */
    List<String> messages(Level level) {
        return events(level).stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditive);
    }
}
