package io.loopbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HttpConnection} against a scripted raw server on 127.0.0.1: keep-alive, and a connection the
 * server closes without {@code Connection: close}. Threads: the test thread is the client; one server
 * thread serves the connections one after another.
 */
@Timeout(30)
class HttpConnectionTest {
    private static final byte[] OK =
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
    /** The head and the first chunk of a chunked body, and no more. */
    private static final byte[] CUT = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REQUEST = HttpConnection.get("/x", 80);

    /**
     * What the server does with one request: answer it and keep the connection, answer and close, close, or
     * send the head and the first chunk of a chunked body and close.
     */
    private enum Reply { ANSWER, ANSWER_AND_CLOSE, CLOSE, CUT_BODY }

    /** Chooses the reply from the connection's index and the request's index on that connection (from 0). */
    @FunctionalInterface
    private interface Script {
        Reply reply(int connection, int request);
    }

    private ServerSocket listener;
    private final AtomicInteger connections = new AtomicInteger();

    @AfterEach
    void stop() throws IOException {
        listener.close();
    }

    @Test
    void keepAlive_oneConnectionForEveryRequest() throws IOException {
        try (HttpConnection connection = connect((c, r) -> Reply.ANSWER)) {
            for (int i = 0; i < 3; i++) {
                assertThat(exchange(connection)).isEqualTo("200 ok");
            }
            assertThat(connections.get()).isEqualTo(1);
            assertThat(connection.retries()).isZero();
        }
    }

    @Test
    void reusedConnectionClosedUnannounced_requestSentAgainOnANewConnection() throws IOException {
        try (HttpConnection connection = connect((c, r) -> Reply.ANSWER_AND_CLOSE)) {
            for (int i = 0; i < 3; i++) {
                assertThat(exchange(connection)).isEqualTo("200 ok");
            }
            assertThat(connections.get()).isEqualTo(3);
            assertThat(connection.retries()).isEqualTo(2);
        }
    }

    @Test
    void newConnectionClosedWithoutAnswer_fails() throws IOException {
        try (HttpConnection connection = connect((c, r) -> Reply.CLOSE)) {
            assertThatThrownBy(() -> exchange(connection)).isInstanceOf(IOException.class)
                    .hasMessageContaining("closed the connection before answering");
            assertThat(connection.retries()).isZero();
        }
    }

    @Test
    void reusedConnectionClosedWithoutAnswer_andAgainOnTheNewOne_fails() throws IOException {
        try (HttpConnection connection = connect((c, r) -> c == 0 && r == 0 ? Reply.ANSWER : Reply.CLOSE)) {
            assertThat(exchange(connection)).isEqualTo("200 ok");
            assertThatThrownBy(() -> exchange(connection)).isInstanceOf(IOException.class)
                    .hasMessageContaining("closed the connection before answering");
            assertThat(connection.retries()).isEqualTo(1);
            assertThat(connections.get()).isEqualTo(2);
        }
    }

    @Test
    void bodyCutShort_incompleteBodyWithTheStatusAndThePartThatArrived_notSentAgain() throws IOException {
        try (HttpConnection connection = connect((c, r) -> c == 0 && r == 0 ? Reply.ANSWER : Reply.CUT_BODY)) {
            assertThat(exchange(connection)).isEqualTo("200 ok");
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            assertThatThrownBy(() -> connection.exchange(REQUEST, body))
                    .isInstanceOfSatisfying(HttpConnection.IncompleteBodyException.class,
                            cut -> assertThat(cut.status()).isEqualTo(200))
                    .hasMessageContaining("inside the body of a 200 response");
            assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
            assertThat(connection.retries()).isZero();
            assertThat(connections.get()).isEqualTo(1);
        }
    }

    private static String exchange(HttpConnection connection) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int status = connection.exchange(REQUEST, body);
        return status + " " + body.toString(StandardCharsets.US_ASCII);
    }

    /** Starts the server running {@code script}; a client connection to it. */
    private HttpConnection connect(Script script) throws IOException {
        listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread server = new Thread(() -> serve(script), "http-connection-test-server");
        server.setDaemon(true);
        server.start();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        return new HttpConnection(address, 5_000);
    }

    private void serve(Script script) {
        while (!listener.isClosed()) {
            try (Socket socket = listener.accept()) {
                int c = connections.getAndIncrement();
                InputStream in = socket.getInputStream();
                for (int r = 0; readRequest(in); r++) {
                    Reply reply = script.reply(c, r);
                    if (reply == Reply.CLOSE) {
                        break;
                    }
                    socket.getOutputStream().write(reply == Reply.CUT_BODY ? CUT : OK);
                    if (reply == Reply.ANSWER_AND_CLOSE || reply == Reply.CUT_BODY) {
                        break;
                    }
                }
            } catch (IOException closed) {
                return; // the listener was closed by the test
            }
        }
    }

    /** Reads one request's head (to its empty line); false at the end of the connection. */
    private static boolean readRequest(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int b = in.read(); b >= 0; b = in.read()) {
            matched = b == end[matched] ? matched + 1 : b == end[0] ? 1 : 0;
            if (matched == end.length) {
                return true;
            }
        }
        return false;
    }
}
