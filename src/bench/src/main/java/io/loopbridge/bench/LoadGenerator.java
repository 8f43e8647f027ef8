package io.loopbridge.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop HTTP/1.1 load generator for loopback targets: {@code connections} client threads, each
 * with one keep-alive socket, each sending its next {@code GET} as soon as the previous one was answered.
 * Raw sockets ({@link HttpConnection}) rather than the JDK {@code HttpClient}: the client's own CPU per
 * request is a few microseconds, so on a small machine most of the CPU is left to the server being measured.
 *
 * <p>A run has a warm-up and a measurement window. A request is counted (status and latency) when its
 * response completes inside the window. Bounded twice: clients send nothing after the window ends, and
 * at most {@code maxRequests} requests are sent in all (warm-up included). Each request has a read timeout
 * ({@code requestTimeout}); an I/O failure or a timeout counts as status {@link #IO_ERROR} and the client
 * reconnects.
 *
 * <p>Threads: {@link #run} is called by one thread and blocks until every client thread has ended; the
 * client threads ({@code load-N}, daemons) share only atomics, and merge their own histograms and status
 * counts after they end.
 */
public final class LoadGenerator {
    /** The pseudo status of a request that failed with an I/O error or timed out (no HTTP status). */
    public static final int IO_ERROR = -1;
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(120);

    /**
     * @param connections concurrent connections (closed-loop clients), 1 or more
     * @param warmup sent but not counted
     * @param measure the measurement window
     * @param maxRequests most requests sent in all, warm-up included
     * @param requestTimeout read timeout of one request
     */
    public record Settings(int connections, Duration warmup, Duration measure, long maxRequests,
            Duration requestTimeout) {
        public Settings {
            if (connections < 1 || maxRequests < 1 || measure.isNegative() || measure.isZero() || warmup.isNegative()) {
                throw new IllegalArgumentException("connections and maxRequests >= 1, measure > 0, warmup >= 0: "
                        + connections + ", " + maxRequests + ", " + measure + ", " + warmup);
            }
        }
    }

    /**
     * One run's accounting.
     *
     * @param completed responses (any status) and I/O errors that completed inside the window
     * @param byStatus {@code completed} by HTTP status ({@link #IO_ERROR} for I/O errors), ascending
     * @param latencyNanos the latency of every counted request, in nanoseconds
     * @param seconds the length of the window actually used, in seconds
     * @param sent requests sent in all (warm-up and requests that completed after the window included)
     */
    public record Result(String path, int connections, long completed, Map<Integer, Long> byStatus,
            Histogram latencyNanos, double seconds, long sent) {
        /** Responses with a 2xx status. */
        public long ok() {
            return byStatus.entrySet().stream().filter(e -> e.getKey() >= 200 && e.getKey() < 300)
                    .mapToLong(Map.Entry::getValue).sum();
        }

        public long errors() {
            return completed - ok();
        }

        /** 2xx responses per second of the window. */
        public double throughput() {
            return ok() / seconds;
        }

        /** The latency at {@code percentile} (0 to 100), in milliseconds. */
        public double millisAt(double percentile) {
            return latencyNanos.getValueAtPercentile(percentile) / 1e6;
        }
    }

    private LoadGenerator() {}

    /** Runs {@code GET pathAndQuery} against {@code target} (a loopback address) with {@code settings}. */
    public static Result run(InetSocketAddress target, String pathAndQuery, Settings settings) throws InterruptedException {
        if (target.getAddress() == null || !target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("loopback targets only: " + target);
        }
        if (!pathAndQuery.startsWith("/") || pathAndQuery.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("an absolute path with no spaces or control characters: " + pathAndQuery);
        }
        byte[] request = HttpConnection.get(pathAndQuery, target.getPort());
        long start = System.nanoTime();
        long windowStart = start + settings.warmup().toNanos();
        long windowEnd = windowStart + settings.measure().toNanos();
        AtomicLong budget = new AtomicLong(settings.maxRequests());
        AtomicLong sent = new AtomicLong();
        List<Client> clients = new ArrayList<>(settings.connections());
        List<Thread> threads = new ArrayList<>(settings.connections());
        for (int i = 0; i < settings.connections(); i++) {
            Client client = new Client(target, request, windowStart, windowEnd, budget, sent,
                    (int) settings.requestTimeout().toMillis());
            Thread thread = new Thread(client, "load-" + i);
            thread.setDaemon(true);
            clients.add(client);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        long joinDeadline = windowEnd + settings.requestTimeout().toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " did not end within its request timeout");
            }
        }
        // Ended early (count bound): the window is what was used of it.
        long lastCounted = clients.stream().mapToLong(c -> c.lastCounted).max().orElse(windowStart);
        boolean endedEarly = budget.get() <= 0 && lastCounted < windowEnd;
        double seconds = ((endedEarly ? Math.max(lastCounted, windowStart + 1) : windowEnd) - windowStart) / 1e9;
        Histogram latency = new Histogram(HIGHEST_NANOS, 3);
        Map<Integer, Long> byStatus = new TreeMap<>();
        long completed = 0;
        for (Client client : clients) {
            latency.add(client.latency);
            client.byStatus.forEach((status, n) -> byStatus.merge(status, n, Long::sum));
            completed += client.counted;
        }
        return new Result(pathAndQuery, settings.connections(), completed, Collections.unmodifiableMap(byStatus),
                latency, seconds, sent.get());
    }

    /** One closed-loop client: one thread, one keep-alive connection at a time. Fields read after join. */
    private static final class Client implements Runnable {
        private final byte[] request;
        private final long windowStart;
        private final long windowEnd;
        private final AtomicLong budget;
        private final AtomicLong sent;
        private final HttpConnection connection;
        final Histogram latency = new Histogram(HIGHEST_NANOS, 3);
        final Map<Integer, Long> byStatus = new TreeMap<>();
        long counted;
        long lastCounted;

        Client(InetSocketAddress target, byte[] request, long windowStart, long windowEnd, AtomicLong budget,
                AtomicLong sent, int timeoutMillis) {
            this.request = request;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            this.budget = budget;
            this.sent = sent;
            this.connection = new HttpConnection(target, timeoutMillis);
        }

        @Override
        public void run() {
            try {
                while (System.nanoTime() < windowEnd && budget.getAndDecrement() > 0) {
                    sent.incrementAndGet();
                    long t0 = System.nanoTime();
                    int status;
                    try {
                        status = connection.exchange(request, OutputStream.nullOutputStream());
                    } catch (IOException | RuntimeException e) {
                        status = IO_ERROR; // the connection closed itself: the next request reconnects
                    }
                    long t1 = System.nanoTime();
                    if (t1 >= windowStart && t1 <= windowEnd) {
                        latency.recordValue(Math.min(t1 - t0, HIGHEST_NANOS));
                        byStatus.merge(status, 1L, Long::sum);
                        counted++;
                        lastCounted = t1;
                    }
                }
            } finally {
                connection.close();
            }
        }
    }
}
