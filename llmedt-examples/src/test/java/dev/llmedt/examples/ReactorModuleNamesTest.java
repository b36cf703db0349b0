package dev.llmedt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.Recommender;
import dev.llmedt.onnx.OnnxRecommender;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * Every module that llmedt-core's qualified exports ({@code exports ... to X}) name is a module this
 * reactor builds, with a module-info or an {@code Automatic-Module-Name} in its jar manifest. A target
 * that names no module is silently ignored by the JVM, so the package would stay closed on the module
 * path; this test makes the typo (or a module that lost its name) fail the build.
 */
class ReactorModuleNamesTest {

    /** The repository root: tests run in the module directory. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final Pattern MODULE_DECLARATION = Pattern.compile("(?m)^\\s*(?:@\\S+.*\\R\\s*)*(?:open\\s+)?module\\s+([\\w.]+)\\s*\\{");

    @Test
    void everyQualifiedExportOfCoreNamesAModuleOfThisReactor() throws Exception {
        ModuleDescriptor core = compiledDescriptor(Recommender.class);
        assertEquals("dev.llmedt.core", core.name());
        Map<String, String> reactor = reactorModuleNames();
        List<String> unknown = new ArrayList<>();
        int targets = 0;
        for (ModuleDescriptor.Exports e : core.exports()) {
            for (String target : e.targets()) {
                targets++;
                if (!reactor.containsKey(target)) {
                    unknown.add("exports " + e.source() + " to " + target);
                }
            }
        }
        assertTrue(targets >= 3, "core's qualified export targets: " + targets);
        assertTrue(unknown.isEmpty(), "llmedt-core's module-info names modules this reactor does not build: " + unknown
                + "; the reactor's modules are " + reactor);
    }

    @Test
    void everyPublishedJarHasAModuleNameAndTheCompiledDescriptorsAgreeWithTheSources() throws Exception {
        Map<String, String> reactor = reactorModuleNames();
        // Every jar of the bill of materials is a named module on the module path.
        assertEquals(new TreeSet<>(List.of("dev.llmedt.core", "dev.llmedt.onnx", "dev.llmedt.spark", "dev.llmedt.examples")),
                new TreeSet<>(reactor.keySet()), reactor.toString());
        assertEquals("module-info", reactor.get("dev.llmedt.core"));
        assertEquals("module-info", reactor.get("dev.llmedt.onnx"));
        assertEquals("Automatic-Module-Name", reactor.get("dev.llmedt.spark"));
        assertEquals("Automatic-Module-Name", reactor.get("dev.llmedt.examples"));

        ModuleDescriptor onnx = compiledDescriptor(OnnxRecommender.class);
        assertEquals("dev.llmedt.onnx", onnx.name());
        assertFalse(onnx.isAutomatic());
        assertTrue(onnx.requires().stream().anyMatch(r -> r.name().equals("dev.llmedt.core")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)), onnx.requires().toString());
    }

    /** The module names of the jars this reactor publishes (llmedt-bom's list): name to where it is declared. */
    private static Map<String, String> reactorModuleNames() throws Exception {
        Map<String, String> names = new TreeMap<>();
        for (String artifact : elements(ROOT.resolve("llmedt-bom/pom.xml"), "artifactId")) {
            Path dir = ROOT.resolve(artifact);
            if (!artifact.startsWith("llmedt-") || artifact.equals("llmedt-bom") || !Files.isDirectory(dir)) {
                continue;
            }
            Path moduleInfo = dir.resolve("src/main/java/module-info.java");
            if (Files.isRegularFile(moduleInfo)) {
                Matcher m = MODULE_DECLARATION.matcher(Files.readString(moduleInfo));
                assertTrue(m.find(), "no module declaration in " + moduleInfo);
                names.put(m.group(1), "module-info");
            } else {
                List<String> automatic = elements(dir.resolve("pom.xml"), "Automatic-Module-Name");
                assertEquals(1, automatic.size(), artifact + " has neither a module-info nor one Automatic-Module-Name: " + automatic);
                names.put(automatic.get(0), "Automatic-Module-Name");
            }
        }
        return names;
    }

    private static List<String> elements(Path pom, String tag) throws Exception {
        Document doc = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder().parse(pom.toFile());
        NodeList nodes = doc.getElementsByTagName(tag);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent().trim());
        }
        return out;
    }

    /** The module descriptor compiled into the jar or classes directory a class was loaded from. */
    private static ModuleDescriptor compiledDescriptor(Class<?> c) throws IOException, URISyntaxException {
        Path location = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<ModuleReference> found = new ArrayList<>(ModuleFinder.of(location).findAll());
        assertEquals(1, found.size(), "modules at " + location + ": " + found);
        return found.get(0).descriptor();
    }
}
