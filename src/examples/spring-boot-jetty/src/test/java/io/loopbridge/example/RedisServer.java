package io.loopbridge.example;

import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, with no persistence, for
 * the example's tests; {@link #close()} stops it. Without {@code redis-server} on the PATH the tests
 * fail with how to get it, unless {@code -Dloopbridge.it.redis=skip}.
 */
final class RedisServer implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(20);
    final int port;
    private final Process process;
    private final Path log;

    private RedisServer(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static RedisServer start() {
        assumeThat(System.getProperty("loopbridge.it.redis", "run")).as("-Dloopbridge.it.redis=skip").isNotEqualTo("skip");
        String executable = onPath("redis-server");
        try {
            int port = freePort();
            Path log = Files.createTempFile("loopbridge-example-redis-", ".log");
            Process process = new ProcessBuilder(executable, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            RedisServer server = new RedisServer(port, process, log);
            await().atMost(STARTUP).pollInterval(Duration.ofMillis(50)).until(server::accepts);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + executable, e);
        }
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    private boolean accepts() throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": " + Files.readString(log));
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        await().atMost(STARTUP).until(() -> !process.isAlive());
        log.toFile().delete();
    }

    private static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        throw new IllegalStateException(name + " is not on the PATH: install it (Debian: apt-get install -y redis-server,"
                + " as .ci/run does), or skip these tests with -Dloopbridge.it.redis=skip");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
