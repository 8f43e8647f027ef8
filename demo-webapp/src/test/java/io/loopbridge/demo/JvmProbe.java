package io.loopbridge.demo;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;

/**
 * What the leak-watching integration tests read of this JVM, which runs the embedded Jetty and the web
 * app as well as the test: live threads, loopbridge's threads, open file descriptors, heap in use after
 * a full GC. Threads: any thread; {@link #heapAfterGc()} and {@link #settledThreadCount()} run a GC.
 */
final class JvmProbe {
    private JvmProbe() {}

    /** Live threads of the JVM. */
    static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Live threads after a GC, so that threads owned by collectable objects (a JDK HttpClient's selector) end. */
    static int settledThreadCount() {
        System.gc();
        return threads();
    }

    /** Names of the live threads that loopbridge started ({@code loopbridge-...}), sorted. */
    static List<String> loopbridgeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("loopbridge-")).sorted().toList();
    }

    /** Names of all live threads, sorted: for failure messages. */
    static String threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList().toString();
    }

    /** Open file descriptors of the process (sockets included); fails where the JVM cannot tell (not Unix). */
    static long openFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount();
        }
        throw new IllegalStateException("open file descriptors are only known on Unix JVMs, not " + os.getName());
    }

    /** Heap in use right after a full GC ({@code System.gc()}), in bytes: what the live objects hold. */
    static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
