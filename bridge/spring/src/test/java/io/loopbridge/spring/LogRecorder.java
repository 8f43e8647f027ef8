package io.loopbridge.spring;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Records the events of one Logback logger while open (thread-safe); {@link #close()} detaches it. */
final class LogRecorder implements AutoCloseable {
    private final Logger logger;
    private final Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogRecorder(Logger logger, Level level) {
        this.logger = logger;
        this.previousLevel = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
        }
        appender.list = new CopyOnWriteArrayList<>();
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    static LogRecorder of(Class<?> loggerClass) {
        return new LogRecorder((Logger) LoggerFactory.getLogger(loggerClass), null);
    }

    /** Records from {@code level} up (the logger's level is restored by {@link #close()}). */
    static LogRecorder of(Class<?> loggerClass, Level level) {
        return new LogRecorder((Logger) LoggerFactory.getLogger(loggerClass), level);
    }

    /** Formatted messages at {@code level}. */
    List<String> messages(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The events at {@code level}, with their throwables. */
    List<ILoggingEvent> events(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
    }
}
