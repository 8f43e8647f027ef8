package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What an artifact's compiled classes reference, read by the JDK's {@code jdeps} from the bytecode (not
 * the sources, not the declared dependencies): the build check that keeps each artifact to its concern.
 * Shared with the other artifacts' tests through the core's test jar.
 */
public final class BytecodeDependencies {
    /** "   io.loopbridge.X   -> org.slf4j.Logger   org.slf4j" (or "not found"): origin and target class. */
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");

    private final List<String[]> edges;

    private BytecodeDependencies(List<String[]> edges) {
        this.edges = edges;
    }

    /**
     * The class-level dependencies of the classes compiled from {@code anyClass}'s source set (its
     * directory or jar), resolving the modules of the {@code libraries} (classes of the jars it uses).
     */
    public static BytecodeDependencies of(Class<?> anyClass, Class<?>... libraries) {
        String modulePath = Stream.of(libraries).map(BytecodeDependencies::location).map(Path::toString)
                .collect(Collectors.joining(java.io.File.pathSeparator));
        List<String> args = new ArrayList<>(List.of("--multi-release", "17", "-verbose:class"));
        if (!modulePath.isEmpty()) {
            args.addAll(List.of("--module-path", modulePath));
        }
        args.add(location(anyClass).toString());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError(
                "no jdeps tool in this JDK (" + System.getProperty("java.home") + "): run the build on a full JDK"));
        StringWriter out = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
        assertThat(exit).as("jdeps %s exited %s:%n%s", args, exit, out).isZero();
        List<String[]> edges = new ArrayList<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                edges.add(new String[] {m.group(1), m.group(2)});
            }
        }
        assertThat(edges).as("jdeps listed no dependency at all, so the check would prove nothing:%n%s", out)
                .isNotEmpty();
        return new BytecodeDependencies(edges);
    }

    /** The "from -&gt; to" class references whose target starts with one of {@code packages}. */
    public List<String> referencesTo(String... packages) {
        List<String> found = new ArrayList<>();
        for (String[] edge : edges) {
            for (String p : packages) {
                if (edge[1].startsWith(p + ".")) {
                    found.add(edge[0] + " -> " + edge[1]);
                }
            }
        }
        return found;
    }

    private static Path location(Class<?> type) {
        try {
            return Path.of(Objects.requireNonNull(type.getProtectionDomain().getCodeSource(), type.getName())
                    .getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
