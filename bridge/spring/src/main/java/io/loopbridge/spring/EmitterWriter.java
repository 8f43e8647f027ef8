package io.loopbridge.spring;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Serialises the sends and the completion of one emitter so that completing it never blocks the
 * completing thread behind a send: {@code ResponseBodyEmitter} takes one lock for both, and a send to
 * a slow client may hold it for long. A completion requested during a send is performed by the
 * sending thread once its send returns.
 *
 * <p>Threads: {@link #send} on the sending thread (one at a time); {@link #complete} and
 * {@link #abandon} from any thread.
 */
final class EmitterWriter {
    private static final int IDLE = 0;
    private static final int SENDING = 1;
    /** A completion was requested during a send; the sender performs it. */
    private static final int SENDING_THEN_COMPLETE = 2;
    private static final int DONE = 3;

    private final ResponseBodyEmitter emitter;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    /** The failure to complete with (null: complete normally); written before the state leaves SENDING/IDLE. */
    private volatile Throwable failure;

    EmitterWriter(ResponseBodyEmitter emitter) {
        this.emitter = emitter;
    }

    /** Sends one item; an {@code SseEventBuilder} item to an {@code SseEmitter} is sent as that event. */
    void send(Object item) throws IOException {
        if (!state.compareAndSet(IDLE, SENDING)) {
            throw new CancellationException("the stream has ended; item not sent: " + item);
        }
        try {
            if (emitter instanceof SseEmitter sse && item instanceof SseEmitter.SseEventBuilder event) {
                sse.send(event);
            } else {
                emitter.send(item);
            }
        } catch (IOException clientGone) {
            state.set(DONE); // the container reports it; Spring says not to complete the emitter after it
            throw clientGone;
        } finally {
            if (!state.compareAndSet(SENDING, IDLE) && state.compareAndSet(SENDING_THEN_COMPLETE, DONE)) {
                completeNow();
            }
        }
    }

    /** Completes the emitter (with {@code error} if not null) now, or after the send in progress. */
    void complete(Throwable error) {
        this.failure = error;
        while (true) {
            int s = state.get();
            if (s == IDLE && state.compareAndSet(IDLE, DONE)) {
                completeNow();
                return;
            }
            if (s == SENDING && state.compareAndSet(SENDING, SENDING_THEN_COMPLETE)) {
                return;
            }
            if (s == SENDING_THEN_COMPLETE || s == DONE) {
                return;
            }
        }
    }

    /** The container ended the request (timeout, error, completion): never touch the emitter again. */
    void abandon() {
        state.set(DONE);
    }

    private void completeNow() {
        Throwable error = failure;
        if (error == null) {
            emitter.complete();
        } else {
            emitter.completeWithError(error);
        }
    }
}
