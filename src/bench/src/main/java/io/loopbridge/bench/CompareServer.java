package io.loopbridge.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.annotations.AnnotationConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * The comparison's server JVM: embedded Jetty 12 on 127.0.0.1 (an ephemeral port) serving the built demo
 * WAR at {@code /}, with a fixed-size thread pool, plus {@code /__jvm}: this JVM's thread count, heap,
 * process CPU time and GC totals as JSON (read through MXBeans, outside the web app).
 *
 * <p>Usage: {@code CompareServer <war> <jettyThreads> [virtual]}. Prints {@code PORT=<n>} on stdout once
 * serving. Stops when its stdin ends (the parent closed it, or died) or on SIGTERM.
 *
 * <p>Threads: main starts Jetty and then waits on stdin; Jetty serves on {@code cmp-jetty-N}, or with
 * {@code virtual} (JDK 21+) on a new virtual thread per request, {@code cmp-vt-N}, as Jetty's
 * {@code threadpool-virtual} module does (selectors and acceptors stay on {@code cmp-jetty-N}).
 */
public final class CompareServer {
    /** The third argument that serves requests on virtual threads. */
    static final String VIRTUAL = "virtual";
    /** Requests at once on virtual threads: far above the matrix's largest connection count. */
    static final int MAX_VIRTUAL_TASKS = 10_000;

    private CompareServer() {}

    public static void main(String[] args) throws Exception {
        Path war = Path.of(args[0]);
        int jettyThreads = Integer.parseInt(args[1]);
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("no WAR at " + war.toAbsolutePath());
        }
        QueuedThreadPool threads = new QueuedThreadPool(jettyThreads, jettyThreads);
        threads.setName("cmp-jetty");
        boolean virtual = args.length > 2 && args[2].equals(VIRTUAL);
        if (virtual) {
            VirtualThreadPool requests = new VirtualThreadPool(); // fails to start before JDK 21
            requests.setName("cmp-vt-");
            requests.setMaxConcurrentTasks(MAX_VIRTUAL_TASKS);
            threads.setVirtualThreadsExecutor(requests);
        }
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(war.toString());
        webapp.addConfiguration(new AnnotationConfiguration()); // runs Spring's ServletContainerInitializer
        webapp.setThrowUnavailableOnStartupException(true);
        webapp.setAttribute("org.eclipse.jetty.server.webapp.WebInfIncludeJarPattern", ".*/spring-web(mvc)?-[^/]*\\.jar$");
        ContextHandler jvm = new ContextHandler(new JvmHandler(threads), "/__jvm");
        jvm.setAllowNullPathInContext(true); // /__jvm itself, not a redirect to /__jvm/
        server.setHandler(new ContextHandlerCollection(jvm, webapp));
        server.setStopAtShutdown(true); // SIGTERM: stop Jetty, and with it the web app and its bridges
        server.start();
        System.out.println("PORT=" + connector.getLocalPort() + " THREADS=" + threads.getMaxThreads()
                + " SELECTORS=" + connector.getSelectorManager().getSelectorCount()
                + " ACCEPTORS=" + connector.getAcceptors() + " REQUESTS=" + (virtual ? "virtual" : "platform"));
        System.out.flush();
        InputStream stdin = System.in;
        while (stdin.read() >= 0) {
            // wait for the parent to close our stdin
        }
        server.stop();
        System.out.println("STOPPED");
        System.out.flush();
    }

    /** {@code GET /__jvm}: {"threads":..,"heapUsed":..,"cpuNanos":..,...}. Any thread. */
    static final class JvmHandler extends Handler.Abstract {
        private final QueuedThreadPool pool;

        JvmHandler(QueuedThreadPool pool) {
            this.pool = pool;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws IOException {
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            long gcCount = 0;
            long gcMillis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                gcCount += Math.max(0, gc.getCollectionCount());
                gcMillis += Math.max(0, gc.getCollectionTime());
            }
            String json = "{\"threads\":" + ManagementFactory.getThreadMXBean().getThreadCount()
                    + ",\"peakThreads\":" + ManagementFactory.getThreadMXBean().getPeakThreadCount()
                    + ",\"heapUsed\":" + heap.getUsed() + ",\"heapCommitted\":" + heap.getCommitted()
                    + ",\"cpuNanos\":" + os.getProcessCpuTime() + ",\"gcCount\":" + gcCount + ",\"gcMillis\":" + gcMillis
                    + ",\"jettyThreads\":" + pool.getThreads() + ",\"jettyBusy\":" + pool.getBusyThreads()
                    + ",\"jettyMax\":" + pool.getMaxThreads() + ",\"processors\":" + os.getAvailableProcessors() + "}";
            if (request.getHttpURI().getQuery() != null && request.getHttpURI().getQuery().contains("gc")) {
                System.gc(); // only between cells, so that "heap after" compares live data, not garbage
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, json, callback);
            return true;
        }
    }
}
