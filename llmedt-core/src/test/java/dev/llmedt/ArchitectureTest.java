package dev.llmedt;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of llmedt-core, checked on its compiled main classes (bytecode: an import used only
 * by Javadoc is not seen here; keep such links fully qualified or plain text).
 *
 * <p>{@code dev.llmedt} is the contracts package (Recommender, TrainingListener, checkpoints). A
 * sub-package either sits below it (the contracts use it: data, output and the helpers check, io,
 * engine) or above it (it builds on the contracts: dualphase with the LLM-EDT front door, sasrec,
 * eval, serving, training), never both; since the front door moved to dualphase no pair is exempt.
 */
class ArchitectureTest {

    private static final String API = "dev.llmedt";

    /**
     * Non-exported types that exported signatures may still name, each with a reason: none since
     * 4527496 and the BlockScorers registry (ModelFile's parameter conversion and SasRecModel's
     * block scoring were the last). Keep it empty; the test fails on a new exposure.
     */
    private static final Set<String> KNOWN_EXPOSURES = Set.of();

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().importPath(CoreClasses.directory());
    }

    @Test
    void subPackagesAreFreeOfCycles() {
        slices().matching("dev.llmedt.(*)..").namingSlices("dev.llmedt.$1")
                .should().beFreeOfCycles()
                .because("a sub-package that needs another one is layered above it, never beside it")
                .check(classes);
    }

    @Test
    void noSubPackageDependsOnTheApiPackageWhileTheApiPackageDependsOnIt() {
        Map<String, Set<String>> down = new TreeMap<>();
        Map<String, Set<String>> up = new TreeMap<>();
        for (JavaClass c : classes) {
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String from = c.getPackageName();
                String to = d.getTargetClass().getBaseComponentType().getPackageName();
                if (from.equals(API) && to.startsWith(API + ".")) {
                    down.computeIfAbsent(subPackage(to), k -> new TreeSet<>()).add(edge(c, d));
                } else if (to.equals(API) && from.startsWith(API + ".")) {
                    up.computeIfAbsent(subPackage(from), k -> new TreeSet<>()).add(edge(c, d));
                }
            }
        }
        Set<String> twoWay = new TreeSet<>(down.keySet());
        twoWay.retainAll(up.keySet());

        StringBuilder problems = new StringBuilder();
        for (String sub : twoWay) {
            problems.append("\n").append(API).append(" <-> ").append(sub)
                    .append("\n  down: ").append(String.join("\n        ", down.get(sub)))
                    .append("\n  up:   ").append(String.join("\n        ", up.get(sub)));
        }
        assertTrue(problems.length() == 0, "the API package and a sub-package depend on each other (move the type "
                + "to where it belongs, or invert the dependency):" + problems);
    }

    @Test
    void exportedSignaturesUseOnlyExportedTypes() {
        Set<String> exported = CoreClasses.exportedPackages();
        Set<String> problems = new TreeSet<>();
        for (JavaClass c : classes) {
            if (!exported.contains(c.getPackageName()) || !isApi(c)) {
                continue;
            }
            c.getRawSuperclass().ifPresent(s -> expose(c.getName() + " extends", s, exported, problems));
            for (JavaType t : c.getInterfaces()) {
                exposeAll(c.getName() + " implements", t, exported, problems);
            }
            for (JavaMember m : c.getMembers()) {
                if (!isVisible(m.getModifiers())) {
                    continue;
                }
                if (m instanceof JavaField) {
                    exposeAll(m.getFullName(), ((JavaField) m).getType(), exported, problems);
                } else if (m instanceof JavaCodeUnit) {
                    JavaCodeUnit u = (JavaCodeUnit) m;
                    exposeAll(u.getFullName() + " returns", u.getReturnType(), exported, problems);
                    for (JavaType p : u.getParameterTypes()) {
                        exposeAll(u.getFullName() + " takes", p, exported, problems);
                    }
                    for (JavaClass t : u.getThrowsClause().getTypes()) {
                        expose(u.getFullName() + " throws", t, exported, problems);
                    }
                }
            }
        }
        Set<String> stale = new TreeSet<>(KNOWN_EXPOSURES);
        stale.removeAll(problems);
        problems.removeAll(KNOWN_EXPOSURES);
        assertTrue(problems.isEmpty(), "public signatures in exported packages name types a user cannot see "
                + "(not exported, or not public):\n" + String.join("\n", problems));
        assertTrue(stale.isEmpty(), "no longer exposed, delete from KNOWN_EXPOSURES:\n" + String.join("\n", stale));
    }

    @Test
    void libraryCodeNeverPrints() {
        GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS
                .because("library code logs through SLF4J and reports progress through listeners")
                .check(classes);
    }

    private static void exposeAll(String where, JavaType type, Set<String> exported, Set<String> problems) {
        for (JavaClass t : type.getAllInvolvedRawTypes()) {
            expose(where, t, exported, problems);
        }
    }

    private static void expose(String where, JavaClass type, Set<String> exported, Set<String> problems) {
        JavaClass t = type.getBaseComponentType();
        if (!t.getPackageName().startsWith(API)) {
            return;
        }
        if (!exported.contains(t.getPackageName()) || !isApi(t)) {
            problems.add(where + " " + t.getName());
        }
    }

    /** Whether a type is visible outside the module: public or protected, and so is every enclosing type. */
    static boolean isApi(JavaClass c) {
        if (c.isAnonymousClass() || c.isLocalClass() || !isVisible(c.getModifiers())) {
            return false;
        }
        return c.getEnclosingClass().map(ArchitectureTest::isApi).orElse(true);
    }

    private static boolean isVisible(Set<JavaModifier> modifiers) {
        return (modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED))
                && !modifiers.contains(JavaModifier.SYNTHETIC) && !modifiers.contains(JavaModifier.BRIDGE);
    }

    private static String subPackage(String pkg) {
        int next = pkg.indexOf('.', API.length() + 1);
        return next < 0 ? pkg : pkg.substring(0, next);
    }

    private static String edge(JavaClass from, Dependency d) {
        return from.getName() + " -> " + d.getTargetClass().getBaseComponentType().getName();
    }
}
