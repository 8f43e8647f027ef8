package io.loopbridge.demo;

import io.loopbridge.bench.HttpConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The soak's load: a fixed mix of the demo's requests in every bridge mode (every scenario, the blocking
 * and the servlet-async entry, streams, a nested call's 500, a bad parameter's 400, rarely a timeout's
 * 504), sent at a steady total rate by {@code clients} paced client threads over keep-alive raw
 * connections. Each answer is checked against the status its request must get; latencies are recorded
 * per mode, except for the deliberate timeouts.
 *
 * <p>Threads: {@link #start} starts the client threads ({@code soak-client-N}, daemons), each with its
 * own connection and seeded random; {@link #window} and {@link #close} are called by one other thread.
 * The clients share only atomics and HdrHistogram {@link Recorder}s (wait-free recording).
 */
final class SoakLoad implements AutoCloseable {
    static final List<String> MODES = DemoMode.paths();
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int MAX_EXAMPLES = 20;

    /**
     * One kind of request of the mix.
     *
     * @param weight its share of the mix (relative to the other requests' weights)
     * @param recorded whether its latency counts in its mode's percentiles: not when it waits out a deliberate
     *     timeout, which would make the p99 that timeout's length whatever else happens
     */
    record Request(String mode, String target, int expectedStatus, double weight, boolean recorded) {}

    /**
     * What the clients saw since the previous window.
     *
     * @param latencyNanos per mode, the latency of the recorded requests
     */
    record Window(long requests, long unexpected, Map<String, Histogram> latencyNanos) {}

    private final InetSocketAddress target;
    private final int clients;
    private final long intervalNanos;
    private final long seed;
    private final List<Request> mix = mix();
    private final double totalWeight = mix.stream().mapToDouble(Request::weight).sum();
    private final Map<String, Recorder> latency = new LinkedHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder unexpected = new LongAdder();
    private final AtomicInteger examplesKept = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;
    private long requestsBefore;
    private long unexpectedBefore;

    /**
     * @param ratePerSecond requests per second of all clients together
     * @param seed the seed of the clients' choices (client {@code i} uses {@code seed + i})
     */
    SoakLoad(InetSocketAddress target, int clients, double ratePerSecond, long seed) {
        this.target = target;
        this.clients = clients;
        this.intervalNanos = (long) (clients * 1e9 / ratePerSecond);
        this.seed = seed;
        MODES.forEach(mode -> latency.put(mode, new Recorder(HIGHEST_NANOS, 2)));
    }

    /**
     * The mix: per mode, mostly quick successful calls of every scenario through both entries (one
     * aggregate in 20 has a downstream call time out after 30 ms); a nested call (refused, 500), a bad
     * parameter (400), an unknown scenario (404) now and then; and about one call in 300 that outlives
     * the bridge's timeout (504 at 1.5 s in the integration tests).
     */
    static List<Request> mix() {
        List<Request> mix = new ArrayList<>();
        for (String mode : MODES) {
            String api = "/api/" + mode + "/";
            mix.add(new Request(mode, api + "hello", 200, 4, true));
            mix.add(new Request(mode, api + "async/hello", 200, 2, true));
            mix.add(new Request(mode, api + "sleep?ms=5", 200, 3, true));
            mix.add(new Request(mode, api + "async/sleep?ms=10", 200, 2, true));
            mix.add(new Request(mode, api + "aggregate?ids=1,2,3&delayMs=5&fail=2", 200, 2, true));
            mix.add(new Request(mode, api + "aggregate?ids=4,5&delayMs=1&timeoutMs=30&slow=5", 200, 1, false));
            mix.add(new Request(mode, api + "limited?n=8&concurrency=2&taskMs=2", 200, 1, true));
            mix.add(new Request(mode, api + "blocking?ms=5", 200, 1, true));
            mix.add(new Request(mode, api + "cpu?rounds=16", 200, 1, true));
            mix.add(new Request(mode, api + "stream?n=3&intervalMs=5", 200, 1, true));
            mix.add(new Request(mode, api + "nested", 500, 0.5, true));
            mix.add(new Request(mode, api + "sleep?ms=soon", 400, 0.5, true));
            mix.add(new Request(mode, api + "unknown", 404, 0.25, true));
            mix.add(new Request(mode, api + "sleep?ms=3000", 504, 0.06, false));
        }
        return List.copyOf(mix);
    }

    /** Starts the clients, each at its own offset into the first interval. */
    void start() {
        for (int i = 0; i < clients; i++) {
            SplittableRandom random = new SplittableRandom(seed + i);
            long first = System.nanoTime() + random.nextLong(intervalNanos);
            Thread thread = new Thread(() -> drive(random, first), "soak-client-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /** One client: the next request at its next slot (no catching up after a slow answer), until stopped. */
    private void drive(SplittableRandom random, long first) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (HttpConnection connection = new HttpConnection(target, (int) Duration.ofSeconds(15).toMillis())) {
            for (long next = first; !stopped; ) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait); // pacing the load, not waiting for another thread
                    continue;
                }
                Request request = pick(random);
                body.reset();
                long start = System.nanoTime();
                int status;
                try {
                    status = connection.exchange(HttpConnection.get(request.target(), target.getPort()), body);
                } catch (IOException e) {
                    status = -1;
                    body.writeBytes(e.toString().getBytes(StandardCharsets.UTF_8));
                }
                long end = System.nanoTime();
                requests.increment();
                if (status != request.expectedStatus()) {
                    unexpected.increment();
                    keepExample(request, status, body);
                } else if (request.recorded()) {
                    latency.get(request.mode()).recordValue(Math.min(end - start, HIGHEST_NANOS));
                }
                next = Math.max(next + intervalNanos, end);
            }
        }
    }

    private Request pick(SplittableRandom random) {
        double x = random.nextDouble() * totalWeight;
        for (Request request : mix) {
            x -= request.weight();
            if (x < 0) {
                return request;
            }
        }
        return mix.get(mix.size() - 1);
    }

    private void keepExample(Request request, int status, ByteArrayOutputStream body) {
        if (examplesKept.getAndIncrement() < MAX_EXAMPLES) {
            String text = body.toString(StandardCharsets.UTF_8);
            examples.add(request.target() + " -> " + status + " (expected " + request.expectedStatus() + "): "
                    + text.substring(0, Math.min(300, text.length())));
        }
    }

    /** What happened since the previous call (since {@link #start} for the first). */
    Window window() {
        long requestsNow = requests.sum();
        long unexpectedNow = unexpected.sum();
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        latency.forEach((mode, recorder) -> histograms.put(mode, recorder.getIntervalHistogram()));
        Window window = new Window(requestsNow - requestsBefore, unexpectedNow - unexpectedBefore, histograms);
        requestsBefore = requestsNow;
        unexpectedBefore = unexpectedNow;
        return window;
    }

    /** Answers other than the expected ones since {@link #start}, the warm-up included. */
    long unexpectedSinceStart() {
        return unexpected.sum();
    }

    /** The first few unexpected answers: request, status, start of the body. */
    List<String> examples() {
        return List.copyOf(examples);
    }

    /** Stops the clients and waits for each to finish its request in progress (and close its connection). */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread thread : threads) {
            LockSupport.unpark(thread);
            thread.join(TimeUnit.SECONDS.toMillis(20));
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " did not end within its request timeout");
            }
        }
    }
}
