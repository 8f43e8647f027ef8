package io.loopbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The core artifact is one concern (issue 10): its bytecode names no framework, and its module
 * descriptor exports the API package and nothing internal.
 */
class CoreArtifactTest {

    @Test
    void coreBytecode_referencesNoSpringServletOrMicrometerCore() {
        BytecodeDependencies core = BytecodeDependencies.of(LoopBridge.class, org.slf4j.Logger.class,
                io.micrometer.context.ContextRegistry.class);

        assertThat(core.referencesTo("org.slf4j")).as("the check sees real references").isNotEmpty();
        assertThat(core.referencesTo("org.springframework", "jakarta.servlet", "io.micrometer.core")).isEmpty();
    }

    @Test
    void moduleDescriptor_exportsOnlyTheApiPackage() throws Exception {
        Path classes = Path.of(LoopBridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleReference module = ModuleFinder.of(classes).find("io.loopbridge").orElseThrow();

        Set<String> exported = module.descriptor().exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        assertThat(exported).containsExactly("io.loopbridge");
        assertThat(module.descriptor().packages()).contains("io.loopbridge.internal");
        assertThat(module.descriptor().requires()).extracting(ModuleDescriptor.Requires::name)
                .contains("org.slf4j", "context.propagation");
    }
}
