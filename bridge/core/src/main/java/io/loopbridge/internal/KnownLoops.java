package io.loopbridge.internal;

import io.loopbridge.ForeignLoopDetector;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detectors of other frameworks' event loops: the built-in ones (Vert.x, Reactor, Netty, found by
 * reflection, so loopbridge has no dependency on them) for the frameworks a class loader can see, then
 * the {@link ServiceLoader} ones, less those the switch turns off. Built once, on the first guarded
 * entry, by whichever thread makes it.
 */
public final class KnownLoops {
    private static final Logger log = LoggerFactory.getLogger(KnownLoops.class);

    private KnownLoops() {}

    /** A built-in detector: its framework, the fix its refusal suggests, and its test of a thread. */
    private record Known(String framework, String fix, Predicate<Thread> test) implements ForeignLoopDetector {
        @Override
        public boolean isLoopThread(Thread thread) {
            return test.test(thread);
        }
    }

    /**
     * The detectors {@code loader} makes available, without those of the frameworks named in
     * {@code disabled} (comma-separated, case-insensitive), most specific first: Vert.x's event loops
     * run on Netty's executors, and Reactor Netty's on Netty's too.
     */
    public static List<ForeignLoopDetector> load(ClassLoader loader, String disabled) {
        Set<String> off = Arrays.stream(disabled.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        List<ForeignLoopDetector> found = new ArrayList<>();
        addIfPresent(found, () -> vertx(loader));
        addIfPresent(found, () -> reactor(loader));
        addIfPresent(found, () -> netty(loader));
        try {
            for (ForeignLoopDetector detector : ServiceLoader.load(ForeignLoopDetector.class, loader)) {
                found.add(detector);
            }
        } catch (ServiceConfigurationError broken) {
            log.warn("loopbridge: a ForeignLoopDetector service could not be loaded; the guard goes on without it",
                    broken);
        }
        found.removeIf(d -> off.contains(d.framework().toLowerCase(Locale.ROOT)));
        return List.copyOf(found);
    }

    private interface Lookup {
        ForeignLoopDetector find() throws ReflectiveOperationException;
    }

    private static void addIfPresent(List<ForeignLoopDetector> found, Lookup lookup) {
        try {
            found.add(lookup.find());
        } catch (ReflectiveOperationException | LinkageError absent) {
            // the framework is not on this class path (or not a version we know): nothing to guard
        }
    }

    /** Reactor's non-blocking threads (parallel, single, Reactor Netty's loops) carry its marker interface. */
    private static ForeignLoopDetector reactor(ClassLoader loader) throws ClassNotFoundException {
        Class<?> marker = Class.forName("reactor.core.scheduler.NonBlocking", false, loader);
        return new Known("Reactor", "return the Mono or Flux (Spring MVC accepts it as a controller's return value),"
                + " or compose it on the loop with loop.await(mono.toFuture()), instead of blocking; Reactor refuses"
                + " block() on these threads too", marker::isInstance);
    }

    /** A Netty event executor's thread is a FastThreadLocalThread that knows the executor it runs. */
    private static ForeignLoopDetector netty(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> fastThread = Class.forName("io.netty.util.concurrent.FastThreadLocalThread", false, loader);
        Class<?> executor = Class.forName("io.netty.util.concurrent.EventExecutor", false, loader);
        MethodHandle current = MethodHandles.publicLookup()
                .findStatic(Class.forName("io.netty.util.internal.ThreadExecutorMap", false, loader), "currentExecutor",
                        MethodType.methodType(executor))
                .asType(MethodType.methodType(Object.class));
        return new Known("Netty", "return the Future and add a listener to it instead of blocking (Netty refuses"
                + " await() on its own event loop too), or hand the blocking code to another executor",
                thread -> fastThread.isInstance(thread) && invoke(current) != null);
    }

    /** Vert.x answers the question itself, for the current thread. */
    private static ForeignLoopDetector vertx(ClassLoader loader) throws ReflectiveOperationException {
        MethodHandle onEventLoop = MethodHandles.publicLookup()
                .findStatic(Class.forName("io.vertx.core.Context", false, loader), "isOnEventLoopThread",
                        MethodType.methodType(boolean.class))
                .asType(MethodType.methodType(Object.class));
        return new Known("Vert.x", "return the Future and compose it (future.toCompletionStage(), then loop.await)"
                + " instead of blocking, or run blocking code with vertx.executeBlocking(...)",
                thread -> Boolean.TRUE.equals(invoke(onEventLoop)));
    }

    private static Object invoke(MethodHandle noArguments) {
        try {
            return (Object) noArguments.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable checked) {
            throw new IllegalStateException(checked);
        }
    }
}
