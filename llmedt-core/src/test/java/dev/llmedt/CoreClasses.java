package dev.llmedt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Set;
import java.util.TreeSet;

/** Where the compiled main classes of llmedt-core are, and which packages its module exports to everyone. */
final class CoreClasses {
    private CoreClasses() {
    }

    /** Returns the directory of the main classes (the module's own, not the tests'). */
    static Path directory() {
        CodeSource source = Recommender.class.getProtectionDomain().getCodeSource();
        if (source != null) {
            try {
                Path p = Path.of(source.getLocation().toURI());
                if (Files.isRegularFile(p.resolve("module-info.class"))) {
                    return p;
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a directory on the file system: fall back to the build's layout
            }
        }
        Path p = Path.of("target", "classes");
        if (!Files.isRegularFile(p.resolve("module-info.class"))) {
            throw new IllegalStateException("no compiled llmedt-core classes with module-info.class at " + p.toAbsolutePath());
        }
        return p;
    }

    /** Returns the packages {@code module-info.class} exports without a {@code to} clause, sorted. */
    static Set<String> exportedPackages() {
        try (InputStream in = Files.newInputStream(directory().resolve("module-info.class"))) {
            Set<String> out = new TreeSet<>();
            for (ModuleDescriptor.Exports e : ModuleDescriptor.read(in).exports()) {
                if (!e.isQualified()) {
                    out.add(e.source());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
