package dev.llmedt;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The exported API of llmedt-core, pinned: every public or protected type of the packages that
 * {@code module-info} exports to everyone, and its public and protected constructors, methods,
 * fields, record components and enum constants, one sorted line each, must equal
 * {@code src/test/resources/api/exported-api.txt}.
 *
 * <p>A change of the API is a decision: run {@code mvn -pl llmedt-core test -Dtest=ExportedApiListingTest
 * -Dllmedt.api.update=true} to rewrite the file, then review and commit its diff with the change.
 * Types are rendered by this test (binary names, own generic rendering), synthetic and bridge
 * members are left out, so the listing is the same on every JDK from 17 on.
 */
class ExportedApiListingTest {

    private static final Path LISTING = Path.of("src", "test", "resources", "api", "exported-api.txt");

    @Test
    void exportedApiMatchesTheReviewedListing() throws IOException {
        List<String> actual = listing();
        if (Boolean.getBoolean("llmedt.api.update")) {
            Files.createDirectories(LISTING.getParent());
            Files.write(LISTING, actual, StandardCharsets.UTF_8);
            return;
        }
        List<String> expected = Files.exists(LISTING) ? Files.readAllLines(LISTING, StandardCharsets.UTF_8) : List.of();
        if (!expected.equals(actual)) {
            Set<String> removed = new TreeSet<>(expected);
            actual.forEach(removed::remove);
            Set<String> added = new TreeSet<>(actual);
            expected.forEach(added::remove);
            StringBuilder diff = new StringBuilder();
            removed.forEach(l -> diff.append("\n- ").append(l));
            added.forEach(l -> diff.append("\n+ ").append(l));
            fail("the exported API differs from " + LISTING + " (- listed, not in the code; + in the code, not listed):"
                    + diff + "\nIf the change is intended, run: mvn -pl llmedt-core test -Dtest=ExportedApiListingTest "
                    + "-Dllmedt.api.update=true, then review the file's diff in git and commit it with the change.");
        }
    }

    /**
     * The javadoc jar is built in class-path mode (see llmedt-core/pom.xml: javadoc warns about the
     * incubating Vector API module in module mode), so the pom names the packages it leaves out; they
     * must be exactly the packages the module does not export to everyone.
     */
    @Test
    void javadocLeavesOutExactlyTheNonExportedPackages() throws IOException {
        Path classes = CoreClasses.directory();
        Set<String> internal = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().equals("module-info.class"))
                    .map(f -> classes.relativize(f.getParent()).toString().replace(java.io.File.separatorChar, '.'))
                    .forEach(internal::add);
        }
        internal.removeAll(CoreClasses.exportedPackages());
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("<excludePackageNames>([^<]*)</excludePackageNames>").matcher(pom);
        if (!m.find()) {
            fail("llmedt-core/pom.xml has no <excludePackageNames> for the javadoc plugin; expected " + String.join(":", internal));
        }
        Set<String> excluded = new TreeSet<>(Arrays.asList(m.group(1).trim().split("\\s*:\\s*")));
        if (!excluded.equals(internal)) {
            fail("the javadoc plugin's <excludePackageNames> in llmedt-core/pom.xml is " + m.group(1).trim()
                    + " but the packages module-info does not export to everyone are " + String.join(":", internal));
        }
    }

    /** Returns the listing: one line per exported type and per visible member, sorted. */
    static List<String> listing() throws IOException {
        Path classes = CoreClasses.directory();
        Set<String> lines = new TreeSet<>();
        for (String pkg : CoreClasses.exportedPackages()) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            List<String> names;
            try (Stream<Path> files = Files.list(dir)) {
                names = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
                        .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length()))
                        .sorted().collect(Collectors.toList());
            }
            for (String name : names) {
                Class<?> c;
                try {
                    c = Class.forName(name, false, ExportedApiListingTest.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
                if (isApi(c)) {
                    describe(c, lines);
                }
            }
        }
        return new ArrayList<>(lines);
    }

    private static boolean isApi(Class<?> c) {
        if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic() || !visible(c.getModifiers())) {
            return false;
        }
        return c.getEnclosingClass() == null || isApi(c.getEnclosingClass());
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void describe(Class<?> c, Set<String> lines) {
        String name = c.getName();
        StringBuilder head = new StringBuilder(name).append(" : ").append(access(c.getModifiers()));
        if (c.getEnclosingClass() != null && Modifier.isStatic(c.getModifiers()) && !c.isInterface() && !c.isEnum()
                && !c.isRecord()) {
            head.append("static ");
        }
        if (c.isSealed()) {
            head.append("sealed ");
        }
        if (c.isAnnotation()) {
            head.append("@interface");
        } else if (c.isInterface()) {
            head.append("interface");
        } else if (c.isEnum()) {
            head.append("enum");
        } else if (c.isRecord()) {
            head.append("record");
        } else {
            head.append(Modifier.isAbstract(c.getModifiers()) ? "abstract " : "")
                    .append(Modifier.isFinal(c.getModifiers()) ? "final " : "").append("class");
        }
        head.append(typeParameters(c.getTypeParameters()));
        Type superclass = c.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && !c.isEnum() && !c.isRecord()) {
            head.append(" extends ").append(render(superclass));
        }
        List<String> interfaces = Arrays.stream(c.getGenericInterfaces())
                .map(ExportedApiListingTest::render).sorted().collect(Collectors.toList());
        if (!interfaces.isEmpty() && !c.isAnnotation()) {
            head.append(c.isInterface() ? " extends " : " implements ").append(String.join(", ", interfaces));
        }
        lines.add(head.toString());

        if (c.isRecord()) {
            for (RecordComponent r : c.getRecordComponents()) {
                lines.add(name + " component " + r.getName() + ": " + render(r.getGenericType()));
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (f.isSynthetic() || !visible(f.getModifiers())) {
                continue;
            }
            if (f.isEnumConstant()) {
                lines.add(name + " constant " + f.getName());
            } else {
                lines.add(name + " field " + access(f.getModifiers()) + (Modifier.isStatic(f.getModifiers()) ? "static " : "")
                        + (Modifier.isFinal(f.getModifiers()) ? "final " : "") + f.getName() + ": " + render(f.getGenericType()));
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (!k.isSynthetic() && visible(k.getModifiers())) {
                lines.add(name + " constructor " + access(k.getModifiers()) + typeParameters(k.getTypeParameters())
                        + c.getSimpleName() + parameters(k) + exceptions(k));
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (m.isSynthetic() || m.isBridge() || !visible(m.getModifiers())) {
                continue;
            }
            StringBuilder line = new StringBuilder(name).append(" method ").append(access(m.getModifiers()));
            if (Modifier.isStatic(m.getModifiers())) {
                line.append("static ");
            } else if (m.isDefault()) {
                line.append("default ");
            } else if (Modifier.isAbstract(m.getModifiers())) {
                line.append("abstract ");
            }
            if (Modifier.isFinal(m.getModifiers()) && !c.isRecord()) {
                line.append("final ");
            }
            line.append(typeParameters(m.getTypeParameters())).append(m.getName()).append(parameters(m))
                    .append(": ").append(render(m.getGenericReturnType())).append(exceptions(m));
            lines.add(line.toString());
        }
    }

    private static String access(int modifiers) {
        return Modifier.isPublic(modifiers) ? "public " : "protected ";
    }

    private static String parameters(Executable e) {
        Type[] generic = e.getGenericParameterTypes();
        // Inner-class and enum constructors may differ in count (implicit parameters): use the erasure then.
        Type[] types = generic.length == e.getParameterCount() ? generic : e.getParameterTypes();
        String rendered = Arrays.stream(types).map(ExportedApiListingTest::render).collect(Collectors.joining(", "));
        if (e.isVarArgs() && rendered.endsWith("[]")) {
            rendered = rendered.substring(0, rendered.length() - 2) + "...";
        }
        return "(" + rendered + ")";
    }

    private static String exceptions(Executable e) {
        List<String> thrown = Arrays.stream(e.getGenericExceptionTypes())
                .map(ExportedApiListingTest::render).sorted().collect(Collectors.toList());
        return thrown.isEmpty() ? "" : " throws " + String.join(", ", thrown);
    }

    private static String typeParameters(TypeVariable<?>[] variables) {
        if (variables.length == 0) {
            return "";
        }
        return Arrays.stream(variables).map(v -> {
            List<String> bounds = Arrays.stream(v.getBounds()).filter(b -> b != Object.class)
                    .map(ExportedApiListingTest::render).collect(Collectors.toList());
            return bounds.isEmpty() ? v.getName() : v.getName() + " extends " + String.join(" & ", bounds);
        }).collect(Collectors.joining(", ", "<", "> "));
    }

    /** Renders a type the same way on every JDK: binary class names, own rendering of generics. */
    static String render(Type type) {
        if (type instanceof Class<?>) {
            Class<?> c = (Class<?>) type;
            return c.isArray() ? render(c.getComponentType()) + "[]" : c.getName();
        }
        if (type instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) type;
            return render(p.getRawType()) + Arrays.stream(p.getActualTypeArguments())
                    .map(ExportedApiListingTest::render).collect(Collectors.joining(", ", "<", ">"));
        }
        if (type instanceof WildcardType) {
            WildcardType w = (WildcardType) type;
            if (w.getLowerBounds().length > 0) {
                return "? super " + render(w.getLowerBounds()[0]);
            }
            Type upper = w.getUpperBounds().length == 0 ? Object.class : w.getUpperBounds()[0];
            return upper == Object.class ? "?" : "? extends " + render(upper);
        }
        if (type instanceof GenericArrayType) {
            return render(((GenericArrayType) type).getGenericComponentType()) + "[]";
        }
        if (type instanceof TypeVariable<?>) {
            return ((TypeVariable<?>) type).getName();
        }
        throw new IllegalArgumentException("unknown kind of type: " + type);
    }
}
