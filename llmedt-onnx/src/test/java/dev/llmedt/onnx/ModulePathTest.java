package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import dev.llmedt.Recommender;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.eval.ScoreAgreement;
import dev.llmedt.testing.SyntheticModels;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * These tests run on the module path, as a library user's module would: Surefire patches them into
 * {@code dev.llmedt.onnx} because the main sources have a module-info. If the module-info went away
 * (or Surefire fell back to the class path), the first test fails.
 */
class ModulePathTest {

    @Test
    void theTestsRunInsideTheNamedModuleThatCoreExportsItsInternalsTo() {
        Module onnx = OnnxRecommender.class.getModule();
        assertTrue(onnx.isNamed(), "llmedt-onnx runs in the unnamed module (class path), not on the module path");
        assertEquals("dev.llmedt.onnx", onnx.getName());
        assertEquals(onnx, ModulePathTest.class.getModule(), "the tests are patched into dev.llmedt.onnx");
        assertEquals(Set.of("dev.llmedt.onnx"), onnx.getDescriptor().exports().stream()
                .map(e -> e.source() + (e.isQualified() ? " to " + e.targets() : "")).collect(Collectors.toSet()));

        Module core = Recommender.class.getModule();
        assertEquals("dev.llmedt.core", core.getName());
        assertTrue(onnx.canRead(core));
        // The qualified exports of core name this module: the engine and io packages are open to it, not to everyone.
        for (String internal : List.of("dev.llmedt.engine", "dev.llmedt.io")) {
            assertTrue(core.isExported(internal, onnx), internal + " is not exported to " + onnx);
            assertFalse(core.getDescriptor().exports().stream().anyMatch(e -> e.source().equals(internal) && !e.isQualified()),
                    internal + " is exported to everyone");
        }

        Module runtime = OrtEnvironment.class.getModule();
        assertEquals("com.microsoft.onnxruntime", runtime.getName());
        assertTrue(runtime.getDescriptor().isAutomatic());
        assertTrue(onnx.canRead(runtime));
    }

    /**
     * The javadoc jar is built in class-path mode (see llmedt-onnx/pom.xml), so the pom names the
     * packages it leaves out: exactly the main packages that module-info does not export.
     */
    @Test
    void javadocLeavesOutExactlyTheNonExportedPackages() throws java.io.IOException {
        java.nio.file.Path classes = java.nio.file.Path.of("target", "classes");
        Set<String> internal;
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(classes)) {
            internal = files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().equals("module-info.class"))
                    .map(f -> classes.relativize(f.getParent()).toString().replace(java.io.File.separatorChar, '.'))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
        }
        assertFalse(internal.isEmpty(), "no main classes under " + classes.toAbsolutePath());
        internal.removeAll(OnnxRecommender.class.getModule().getDescriptor().exports().stream()
                .filter(e -> !e.isQualified()).map(java.lang.module.ModuleDescriptor.Exports::source).toList());
        String pom = java.nio.file.Files.readString(java.nio.file.Path.of("pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<excludePackageNames>([^<]*)</excludePackageNames>").matcher(pom);
        assertTrue(m.find(), "llmedt-onnx/pom.xml has no <excludePackageNames> for the javadoc plugin; expected " + internal);
        assertEquals(internal, new java.util.TreeSet<>(List.of(m.group(1).trim().split("\\s*:\\s*"))),
                "the javadoc plugin's <excludePackageNames> in llmedt-onnx/pom.xml against the packages module-info does not export");
    }

    @Test
    void anExportedModelOpensAndScoresAsItsJavaModelOnTheModulePath() {
        Recommender java = SyntheticModels.sasrec();
        Domain food = SyntheticModels.DATA.domain("Food");
        List<History> histories = SyntheticModels.DATA.test().stream().map(EvaluationCase::input).toList();
        try (OnnxRecommender onnx = OnnxRecommender.open(Exports.of("sasrec", SyntheticModels.sasrec()))) {
            ScoreAgreement agreement = ScoreAgreement.compare(java, onnx, histories, food, 1e-4);
            assertEquals(histories.size(), agreement.users());
            assertTrue(agreement.maxAbsDifference() <= 1e-4, agreement.toString());
        }
    }
}
