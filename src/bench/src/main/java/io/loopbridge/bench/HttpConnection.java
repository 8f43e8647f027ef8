package io.loopbridge.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 keep-alive connection to a loopback server, spoken over a raw socket: the request is
 * whatever bytes the caller gives (so a fuzzer can send what no HTTP client library would), and the
 * response is read to its end (Content-Length, chunked, or the end of the connection). The socket is
 * opened on the first exchange and again after the server closed it ({@code Connection: close}) or
 * after {@link #close()}. A server may also close a kept-alive connection without saying so (Jetty does
 * after the 400 or 414 its parser answers to a malformed request): a request on a reused connection that
 * the server closed before sending any byte of a response is sent again, once, on a new connection, as
 * RFC 9112 section 9.3.1 allows for idempotent requests ({@link #retries()} counts them).
 *
 * <p>Threads: not thread-safe; one thread drives one connection.
 */
public final class HttpConnection implements AutoCloseable {
    private final InetSocketAddress target;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int retries;

    /** The server closed the connection before sending any byte of a response. */
    private static final class ClosedBeforeResponseException extends IOException {
        private static final long serialVersionUID = 1L;

        ClosedBeforeResponseException(Throwable cause) {
            super("the server closed the connection before answering", cause);
        }
    }

    /**
     * The response's head was read, but the server closed (or reset) the connection before the end of its
     * body. The part of the body that arrived was written to the caller's stream.
     */
    public static final class IncompleteBodyException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        public IncompleteBodyException(int status, IOException cause) {
            super("the connection ended inside the body of a " + status + " response: " + cause, cause);
            this.status = status;
        }

        /** The status of the response whose body was cut short. */
        public int status() {
            return status;
        }
    }

    /**
     * @param target a loopback address
     * @param timeoutMillis connect timeout and read timeout of every read
     */
    public HttpConnection(InetSocketAddress target, int timeoutMillis) {
        if (target.getAddress() == null || !target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("loopback targets only: " + target);
        }
        this.target = target;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * The bytes of {@code GET target HTTP/1.1} to {@code port} with a Host header. {@code target} is sent
     * as ISO-8859-1: each char is one byte, so chars 0x80 to 0xFF are raw bytes (no encoding applied).
     */
    public static byte[] get(String target, int port) {
        return ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAccept: */*\r\nUser-Agent: loopbridge-test\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends {@code request} and reads the whole response, writing its body (de-chunked) to {@code body}
     * ({@link OutputStream#nullOutputStream()} to drop it).
     *
     * @return the response's status
     * @throws IncompleteBodyException when the connection ended after the head, before the end of the body
     * @throws IOException on an I/O error, a timeout or a malformed response: the connection is then closed
     */
    public int exchange(byte[] request, OutputStream body) throws IOException {
        boolean reused = socket != null;
        try {
            return exchangeOnce(request, body);
        } catch (ClosedBeforeResponseException stale) {
            close();
            if (!reused) {
                throw stale;
            }
            retries++;
            return exchange(request, body); // on a new connection: not retried again
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** How many requests were sent again because the server had closed their reused connection unannounced. */
    public int retries() {
        return retries;
    }

    private int exchangeOnce(byte[] request, OutputStream body) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            socket.connect(target, timeoutMillis);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }
        int first;
        try {
            out.write(request);
            out.flush();
            first = in.read();
        } catch (SocketException reset) { // reset or broken pipe: a socket the server had closed
            throw new ClosedBeforeResponseException(reset);
        }
        if (first < 0) {
            throw new ClosedBeforeResponseException(null);
        }
        String statusLine = first == '\n' ? "" : (char) first + line(in);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = statusLine.startsWith("HTTP/1.0");
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.toLowerCase().contains("chunked");
            } else if (name.equalsIgnoreCase("connection")) {
                close |= value.equalsIgnoreCase("close");
            }
        }
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
            length = 0;
        }
        try {
            close |= readBody(in, chunked, length, body);
        } catch (EOFException | SocketException cut) { // not a malformed chunk, not a read timeout
            throw new IncompleteBodyException(status, cut);
        }
        if (close) {
            close();
        }
        return status;
    }

    /** Reads a body to {@code sink}; true when it was delimited by the end of the connection. */
    private static boolean readBody(InputStream in, boolean chunked, long length, OutputStream sink)
            throws IOException {
        if (chunked) {
            for (long size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
                transfer(in, size, sink);
                line(in); // CRLF after the chunk
            }
            while (!line(in).isEmpty()) {
                // trailers
            }
            return false;
        }
        if (length >= 0) {
            transfer(in, length, sink);
            return false;
        }
        in.transferTo(sink);
        return true;
    }

    /** Closes the socket, if open; the next exchange opens a new one. */
    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a loopback socket we own: nothing to do
            }
            socket = null;
        }
    }

    private static long chunkSize(String line) throws IOException {
        int semicolon = line.indexOf(';');
        try {
            return Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size line: " + line, e);
        }
    }

    /** One CRLF- (or LF-) terminated line of ASCII, without the terminator. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed mid-response");
            }
            if (c != '\r') {
                line.append((char) c);
            }
            if (line.length() > 16 * 1024) {
                throw new IOException("header line over 16 KiB");
            }
        }
        return line.toString();
    }

    private static void transfer(InputStream in, long n, OutputStream sink) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 8 * 1024)];
        while (n > 0) {
            int read = in.read(buffer, 0, (int) Math.min(n, buffer.length));
            if (read < 0) {
                throw new EOFException("connection closed mid-body");
            }
            sink.write(buffer, 0, read);
            n -= read;
        }
    }
}
