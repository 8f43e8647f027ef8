package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract, Loop: a callback that throws does not kill the loop: the loop's exception handler gets
 * it (default: logged via SLF4J with the loop and callback named).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CallbackErrorTest {

    /** A callback with a recognisable name, as the loop names callbacks by toString(). */
    private static Runnable named(String name, Runnable body) {
        return new Runnable() {
            @Override
            public void run() {
                body.run();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    private static LoopFuture<Void> afterTwoIterations(EventLoop l) {
        LoopFuture<Void> done = l.createFuture();
        l.callSoon(() -> l.callSoon(() -> done.complete(null)));
        return done;
    }

    // ------------------------------------------------------------------ the loop survives

    @Test
    void callback_throws_laterCallbacksStillRun() {
        EventLoop loop = EventLoop.builder().exceptionHandler((l, cb, t) -> {}).build();
        List<String> ran = new ArrayList<>();

        loop.runUntilComplete(l -> {
            l.callSoon(() -> {
                throw new IllegalStateException("boom");
            });
            l.callSoon(() -> ran.add("same iteration"));
            l.callSoon(() -> l.callSoon(() -> ran.add("next iteration")));
            return afterTwoIterations(l);
        });

        assertThat(ran).containsExactly("same iteration", "next iteration");
        loop.close();
    }

    @Test
    void timerCallback_throws_loopKeepsRunning() {
        FakeClock clock = new FakeClock();
        EventLoop loop = EventLoop.builder().clock(clock).exceptionHandler((l, cb, t) -> {}).build();

        String value = loop.runUntilComplete(l -> {
            l.callLater(Duration.ofMillis(1), () -> {
                throw new IllegalStateException("boom");
            });
            CompletableFuture<String> after = l.sleep(Duration.ofMillis(2)).thenApply(x -> "alive");
            clock.advance(Duration.ofMillis(5));
            return after;
        });

        assertThat(value).isEqualTo("alive");
        loop.close();
    }

    @Test
    void callback_throwsStackOverflowError_loopKeepsRunning() {
        EventLoop loop = EventLoop.builder().exceptionHandler((l, cb, t) -> {}).build();

        String value = loop.runUntilComplete(l -> {
            l.callSoon(() -> {
                throw new StackOverflowError("deep");
            });
            return afterTwoIterations(l).thenApply(x -> "alive");
        });

        assertThat(value).isEqualTo("alive");
        loop.close();
    }

    // ------------------------------------------------------------------ the handler

    @Test
    void callback_throws_exceptionHandlerGetsLoopCallbackAndFailure() {
        List<Object[]> handled = new ArrayList<>();
        EventLoop loop = EventLoop.builder().name("handled-loop")
                .exceptionHandler((l, cb, t) -> handled.add(new Object[] {l, cb, t, Thread.currentThread()}))
                .build();
        IllegalStateException boom = new IllegalStateException("boom");

        loop.runUntilComplete(l -> {
            l.callSoon(named("exploding-callback", () -> {
                throw boom;
            }));
            return afterTwoIterations(l);
        });

        assertThat(handled).hasSize(1);
        assertThat(handled.get(0)).containsExactly(loop, "exploding-callback", boom, Thread.currentThread());
        loop.close();
    }

    @Test
    void exceptionHandler_setOnRunningLoop_getsLaterFailures() {
        EventLoop loop = EventLoop.create();
        List<Throwable> handled = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");

        loop.runUntilComplete(l -> {
            l.setExceptionHandler((lp, cb, t) -> handled.add(t));
            l.callSoon(() -> {
                throw boom;
            });
            return afterTwoIterations(l);
        });

        assertThat(handled).containsExactly(boom);
        loop.close();
    }

    @Test
    void exceptionHandler_throwsItself_isLoggedAndLoopGoesOn() {
        EventLoop loop = EventLoop.builder().name("bad-handler-loop").exceptionHandler((l, cb, t) -> {
            throw new IllegalArgumentException("handler broke");
        }).build();
        IllegalStateException boom = new IllegalStateException("boom");

        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            String value = loop.runUntilComplete(l -> {
                l.callSoon(named("failing-callback", () -> {
                    throw boom;
                }));
                return afterTwoIterations(l).thenApply(x -> "alive");
            });

            assertThat(value).isEqualTo("alive");
            List<ILoggingEvent> errors = log.events(Level.ERROR);
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).getFormattedMessage()).contains("bad-handler-loop", "failing-callback");
            assertThat(errors.get(0).getThrowableProxy().getMessage()).isEqualTo("handler broke");
            assertThat(errors.get(0).getThrowableProxy().getSuppressed()[0].getMessage()).isEqualTo("boom");
        }
        loop.close();
    }

    // ------------------------------------------------------------------ the default: SLF4J

    @Test
    void callback_throwsWithDefaultHandler_isLoggedAtErrorNamingLoopAndCallback() {
        EventLoop loop = EventLoop.builder().name("logging-loop").build();

        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            loop.runUntilComplete(l -> {
                l.callSoon(named("exploding-callback", () -> {
                    throw new IllegalStateException("boom");
                }));
                return afterTwoIterations(l);
            });

            List<ILoggingEvent> errors = log.events(Level.ERROR);
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).getFormattedMessage()).contains("logging-loop", "exploding-callback");
            assertThat(errors.get(0).getThrowableProxy().getClassName())
                    .isEqualTo(IllegalStateException.class.getName());
            assertThat(errors.get(0).getThrowableProxy().getMessage()).isEqualTo("boom");
        }
        loop.close();
    }

    @Test
    void setExceptionHandler_null_restoresLoggingDefault() {
        List<Throwable> handled = new ArrayList<>();
        EventLoop loop = EventLoop.builder().name("restored-loop").exceptionHandler((l, cb, t) -> handled.add(t))
                .build();
        loop.setExceptionHandler(null);

        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            loop.runUntilComplete(l -> {
                l.callSoon(() -> {
                    throw new IllegalStateException("boom");
                });
                return afterTwoIterations(l);
            });

            assertThat(handled).isEmpty();
            assertThat(log.messages(Level.ERROR)).singleElement().asString().contains("restored-loop");
        }
        loop.close();
    }
}
