package dev.llmedt.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README and {@code docs/*.md} say what the code does: the README stays short, every relative
 * link and anchor resolves, every {@code java} block compiles against this module's test classpath
 * and every command-line invocation in a {@code bash}/{@code sh} block parses with the CLI. The
 * conventions (how a Java fragment is wrapped, which lines count as CLI invocations) are in
 * {@code docs/testing.md}, section "Checks on the documentation".
 */
class DocsTest {

    /** The repository root: tests run in the module directory. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The most lines README.md may have: a newcomer reads it in five minutes. */
    static final int README_MAX_LINES = 250;

    /** Imports every Java block gets (a block's own single-type imports take precedence). */
    static final List<String> IMPORTS = List.of("java.util.*", "java.nio.file.*", "java.net.URI", "dev.llmedt.*",
            "dev.llmedt.data.*", "dev.llmedt.eval.*", "dev.llmedt.text.*", "dev.llmedt.augment.*",
            "dev.llmedt.profile.*", "dev.llmedt.dualphase.*", "dev.llmedt.sasrec.*", "dev.llmedt.model.*",
            "dev.llmedt.output.*", "dev.llmedt.progress.*", "dev.llmedt.serving.*", "dev.llmedt.onnx.*");

    /**
     * The names a Java fragment may use without declaring them, as if it followed the README's
     * snippet: fields of the wrapping class, so that a fragment's own declaration shadows them.
     */
    static final String CONTEXT = "CdsrDataset data; TextEncoder encoder; LlmEdtModel model;";

    /** A fence line (CommonMark): three or more backticks whose info string has no backtick, or tildes. */
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(?:(`{3,})\\s*([^\\s`]*)[^`]*|(~{3,})\\s*(\\S*).*)$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_LINK = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s+\".*\")?\\s*$");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern COMPILATION_UNIT =
            Pattern.compile("^\\s*(package|import)\\s|^\\s*(public\\s+|final\\s+|abstract\\s+|sealed\\s+)*(class|interface|record|enum)\\s");
    private static final Pattern FOR_LOOP = Pattern.compile("^\\s*for\\s+([A-Za-z_][A-Za-z0-9_]*)\\s+in\\s+(\\S+)");

    /** One markdown file: its path (relative to the root, for messages) and its lines. */
    record Doc(Path file, String name, List<String> lines) {
    }

    /** A fenced code block: its language and its lines, the first at {@code firstLine} (1-based) of its file. */
    record Block(Doc doc, String language, int firstLine, List<String> lines) {
        String where() {
            return doc.name() + ":" + firstLine;
        }
    }

    /** Every option of every command of the {@code llmedt} tool is named in docs/command-line.md. */
    @Test
    void everyCommandLineOptionIsDocumented() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/command-line.md"), StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (picocli.CommandLine command : LlmEdtCli.commandLine().getSubcommands().values()) {
            for (picocli.CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
                for (String name : option.names()) {
                    if (name.startsWith("--") && !name.equals("--help") && !name.equals("--version")) {
                        checked++;
                        if (!Pattern.compile(Pattern.quote(name) + "(?![a-z0-9-])").matcher(doc).find()) {
                            missing.add(command.getCommandName() + " " + name);
                        }
                    }
                }
            }
        }
        assertTrue(checked > 100, "only " + checked + " options found");
        assertTrue(missing.isEmpty(), "options not in docs/command-line.md: " + missing);
    }

    @Test
    void readmeIsShort() throws IOException {
        long lines = Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8).size();
        assertTrue(lines <= README_MAX_LINES,
                "README.md has " + lines + " lines, at most " + README_MAX_LINES + " allowed: move details into docs/");
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        int checked = 0;
        for (Doc doc : docs()) {
            boolean[] code = codeLines(doc.lines());
            for (int i = 0; i < doc.lines().size(); i++) {
                String line = doc.lines().get(i);
                if (code[i]) {
                    continue;
                }
                List<String> targets = new ArrayList<>();
                Matcher reference = REFERENCE_LINK.matcher(line);
                if (reference.matches()) {
                    targets.add(reference.group(1));
                }
                Matcher m = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
                while (m.find()) {
                    targets.add(m.group(1));
                }
                for (String target : targets) {
                    if (target.isEmpty() || SCHEME.matcher(target).find()) {
                        continue;
                    }
                    checked++;
                    String problem = resolve(doc, target, anchors);
                    if (problem != null) {
                        broken.add(doc.name() + ":" + (i + 1) + ": link (" + target + "): " + problem);
                    }
                }
            }
        }
        assertTrue(checked >= 10, "found only " + checked + " relative links: is the link pattern still right?");
        if (!broken.isEmpty()) {
            fail(broken.size() + " broken link(s):\n" + String.join("\n", broken));
        }
    }

    @Test
    void everyJavaBlockCompiles(@TempDir Path out) throws IOException {
        List<Block> blocks = new ArrayList<>();
        for (Doc doc : docs()) {
            blocks.addAll(blocks(doc, Set.of("java")));
        }
        assertTrue(blocks.size() >= 5, "found only " + blocks.size() + " java blocks");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertTrue(compiler != null, "no system Java compiler (run the tests on a JDK)");
        List<JavaFileObject> sources = new ArrayList<>();
        Map<String, Block> byClass = new HashMap<>();
        Map<String, Integer> headerLines = new HashMap<>();
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            String className = "DocBlock" + i;
            StringBuilder source = new StringBuilder();
            int header = wrap(block, className, source);
            byClass.put(className, block);
            headerLines.put(className, header);
            sources.add(new Source(className, source.toString()));
        }
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none",
                "-implicit:none", "-Xlint:none", "-nowarn", "--release", "17");
        List<String> errors = new ArrayList<>();
        // One task per block: a syntax error in one block would stop javac before it checks the others.
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
            for (JavaFileObject source : sources) {
                DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
                compiler.getTask(null, files, diagnostics, options, null, List.of(source)).call();
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    if (d.getKind() != Diagnostic.Kind.ERROR) {
                        continue;
                    }
                    String className = ((Source) source).className;
                    Block block = byClass.get(className);
                    long docLine = block.firstLine() + d.getLineNumber() - 1 - headerLines.get(className);
                    errors.add(block.doc().name() + ":" + docLine + " (java block at line " + block.firstLine() + "): "
                            + d.getMessage(Locale.ROOT));
                }
            }
        }
        if (!errors.isEmpty()) {
            fail(errors.size() + " compile error(s) in java blocks:\n" + String.join("\n", errors));
        }
    }

    @Test
    void everyCommandLineParses() throws IOException {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Doc doc : docs()) {
            for (Block block : blocks(doc, Set.of("bash", "sh", "shell"))) {
                Map<String, String> loopVariables = new HashMap<>();
                for (int i = 0; i < block.lines().size(); i++) {
                    int lineNumber = block.firstLine() + i;
                    StringBuilder logical = new StringBuilder(block.lines().get(i));
                    while (endsWithContinuation(logical) && i + 1 < block.lines().size()) {
                        logical.setLength(logical.length() - 1);
                        logical.append(' ').append(block.lines().get(++i));
                    }
                    Matcher loop = FOR_LOOP.matcher(logical);
                    if (loop.find()) {
                        loopVariables.put(loop.group(1), loop.group(2).replace(";", ""));
                    }
                    for (List<String> args : cliInvocations(words(logical.toString(), loopVariables))) {
                        checked++;
                        try {
                            new CommandLine(LlmEdtCli.class).parseArgs(args.toArray(String[]::new));
                        } catch (CommandLine.ParameterException e) {
                            failures.add(doc.name() + ":" + lineNumber + ": llmedt " + String.join(" ", args) + "\n    " + e.getMessage());
                        }
                    }
                }
            }
        }
        assertTrue(checked >= 5, "found only " + checked + " CLI invocations in bash blocks");
        if (!failures.isEmpty()) {
            fail(failures.size() + " CLI line(s) do not parse:\n" + String.join("\n", failures));
        }
    }

    // ---- markdown

    /** README.md and every docs/*.md, in a fixed order. */
    static List<Doc> docs() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Doc> docs = new ArrayList<>();
        for (Path f : files) {
            docs.add(new Doc(f, ROOT.relativize(f).toString(), Files.readAllLines(f, StandardCharsets.UTF_8)));
        }
        return docs;
    }

    /** The fenced blocks of {@code doc} whose language is one of {@code languages}. */
    static List<Block> blocks(Doc doc, Set<String> languages) {
        List<Block> blocks = new ArrayList<>();
        List<String> lines = doc.lines();
        boolean[] code = codeLines(lines);
        for (int i = 0; i < lines.size(); i++) {
            if (!code[i]) {
                continue;
            }
            // Blocks already read are skipped below, so i is an opening fence; the block runs to the closing fence (or the end of the file).
            Matcher m = FENCE.matcher(lines.get(i));
            m.matches();
            String language = infoOf(m).toLowerCase(Locale.ROOT);
            int end = i + 1;
            while (end < lines.size() && code[end] && !isClosing(lines.get(end), fenceOf(m))) {
                end++;
            }
            if (languages.contains(language)) {
                blocks.add(new Block(doc, language, i + 2, lines.subList(i + 1, end)));
            }
            i = end;
        }
        return blocks;
    }

    /** For each line: whether it belongs to a fenced code block (its fences included). */
    static boolean[] codeLines(List<String> lines) {
        boolean[] code = new boolean[lines.size()];
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = FENCE.matcher(lines.get(i));
            if (fence == null) {
                if (m.matches()) {
                    fence = fenceOf(m);
                    code[i] = true;
                }
            } else {
                code[i] = true;
                if (isClosing(lines.get(i), fence)) {
                    fence = null;
                }
            }
        }
        return code;
    }

    /** Whether {@code line} closes a block opened by {@code fence}: the same character, at least as long, no info string. */
    private static boolean isClosing(String line, String fence) {
        Matcher m = FENCE.matcher(line);
        return m.matches() && fenceOf(m).charAt(0) == fence.charAt(0) && fenceOf(m).length() >= fence.length() && infoOf(m).isEmpty();
    }

    private static String fenceOf(Matcher fence) {
        return fence.group(1) != null ? fence.group(1) : fence.group(3);
    }

    private static String infoOf(Matcher fence) {
        return fence.group(1) != null ? fence.group(2) : fence.group(4);
    }

    /** Null when {@code target} (relative to {@code doc}) exists and has the anchor it names; else what is wrong. */
    private static String resolve(Doc doc, String target, Map<Path, Set<String>> anchors) throws IOException {
        int hash = target.indexOf('#');
        String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? doc.file() : doc.file().getParent().resolve(path).normalize();
        if (!Files.exists(file)) {
            return "no file " + ROOT.relativize(file);
        }
        if (anchor == null || !file.toString().endsWith(".md")) {
            return null;
        }
        Set<String> slugs = anchors.computeIfAbsent(file, DocsTest::headingSlugs);
        return slugs.contains(anchor) ? null : "no heading with anchor #" + anchor + " in " + ROOT.relativize(file);
    }

    /** The GitHub anchors of a markdown file's headings (duplicates get -1, -2, ...). */
    static Set<String> headingSlugs(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Set<String> slugs = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean[] code = codeLines(lines);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = HEADING.matcher(lines.get(i));
            if (code[i] || !m.matches()) {
                continue;
            }
            String slug = slug(m.group(2));
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            slugs.add(n == 0 ? slug : slug + "-" + n);
        }
        return slugs;
    }

    /** GitHub's anchor of a heading: link texts kept, lower case, punctuation dropped, spaces to hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
    }

    // ---- java blocks

    /**
     * Writes the compilation unit of {@code block} into {@code source} and returns how many lines
     * precede the block's first line in it.
     */
    static int wrap(Block block, String className, StringBuilder source) {
        boolean unit = block.lines().stream().anyMatch(l -> COMPILATION_UNIT.matcher(l).find());
        List<String> header = new ArrayList<>();
        List<String> body = block.lines();
        int packageLine = -1;
        for (int i = 0; i < body.size() && unit; i++) {
            if (body.get(i).trim().startsWith("package ")) {
                packageLine = i;
            }
        }
        if (packageLine >= 0) {
            // Imports must follow the package declaration: keep the block's lines in place and
            // put the imports on the package line.
            List<String> lines = new ArrayList<>(body);
            StringBuilder imports = new StringBuilder();
            IMPORTS.forEach(i -> imports.append(" import ").append(i).append(';'));
            lines.set(packageLine, lines.get(packageLine) + imports);
            lines.forEach(l -> source.append(l).append('\n'));
            return 0;
        }
        IMPORTS.forEach(i -> header.add("import " + i + ";"));
        if (!unit) {
            header.add("@SuppressWarnings(\"all\") class " + className + " {");
            header.add("    " + CONTEXT);
            header.add("    void run() throws Exception {");
        }
        header.forEach(l -> source.append(l).append('\n'));
        body.forEach(l -> source.append(l).append('\n'));
        if (!unit) {
            source.append("    }\n}\n");
        }
        return header.size();
    }

    /** An in-memory source file. */
    private static final class Source extends SimpleJavaFileObject {
        final String className;
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className + ".java"), Kind.SOURCE);
            this.className = className;
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }

    // ---- shell lines

    private static boolean endsWithContinuation(StringBuilder line) {
        return line.length() > 0 && line.charAt(line.length() - 1) == '\\';
    }

    /**
     * The words and operators of one shell line: quotes removed, a comment dropped, {@code $NAME}
     * and {@code ${NAME}} of a for-loop variable replaced by the loop's first value; an operator
     * ({@code ; & | < >} runs) is a word of its own prefixed by NUL.
     */
    static List<String> words(String line, Map<String, String> loopVariables) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '$' && quote == '"') {
                    i = expand(line, i, word, loopVariables);
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (c == '$') {
                i = expand(line, i, word, loopVariables);
                inWord = true;
            } else if (c == '#' && !inWord) {
                break;
            } else if (Character.isWhitespace(c) || ";&|<>".indexOf(c) >= 0) {
                if (inWord && !(("<>".indexOf(c) >= 0) && word.chars().allMatch(Character::isDigit))) {
                    words.add(word.toString());
                }
                word.setLength(0);
                inWord = false;
                if (!Character.isWhitespace(c)) {
                    int j = i;
                    while (j < line.length() && ";&|<>".indexOf(line.charAt(j)) >= 0) {
                        j++;
                    }
                    words.add("\0" + line.substring(i, j));
                    i = j - 1;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Appends the value of the variable at {@code line[i] == '$'} (unchanged text when it is not a loop variable). */
    private static int expand(String line, int i, StringBuilder word, Map<String, String> loopVariables) {
        Matcher m = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)\\}|([A-Za-z_][A-Za-z0-9_]*))").matcher(line);
        if (m.find(i) && m.start() == i) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = loopVariables.get(name);
            word.append(value != null ? value : m.group());
            return m.end() - 1;
        }
        word.append('$');
        return i;
    }

    /**
     * The argument lists of the CLI invocations among {@code words}: {@code java [JVM options] -jar
     * PATH/llmedt.jar ARGS} anywhere, and {@code llmedt ARGS} as a command (at the start, after an
     * operator or after {@code do}, {@code then}, {@code else}); ARGS end at the next operator.
     */
    static List<List<String>> cliInvocations(List<String> words) {
        List<List<String>> found = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            int argsFrom = -1;
            String w = words.get(i);
            if (w.equals("-jar") && i + 1 < words.size() && (words.get(i + 1).equals("llmedt.jar")
                    || words.get(i + 1).endsWith("/llmedt.jar"))) {
                argsFrom = i + 2;
            } else if (w.equals("llmedt") && (i == 0 || words.get(i - 1).startsWith("\0")
                    || Set.of("do", "then", "else").contains(words.get(i - 1)))) {
                argsFrom = i + 1;
            }
            if (argsFrom < 0) {
                continue;
            }
            List<String> args = new ArrayList<>();
            int j = argsFrom;
            while (j < words.size() && !words.get(j).startsWith("\0")) {
                args.add(words.get(j++));
            }
            found.add(args);
            i = j - 1;
        }
        return found;
    }
}
