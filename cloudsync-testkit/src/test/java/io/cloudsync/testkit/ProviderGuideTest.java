package io.cloudsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.testkit.internal.Rules;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * docs/PROVIDERS.md tells a provider author the truth: its example (section 4) is the example
 * module's sources byte for byte, which cloudsync's build compiles and runs through every contract;
 * its Maven block (section 2) is what that module declares; the JUnit version, the main code's size
 * and the address failure messages link are the build's.
 */
class ProviderGuideTest {

    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path GUIDE = PROJECT_ROOT.resolve("docs/PROVIDERS.md");
    private static final Path EXAMPLE = PROJECT_ROOT.resolve("cloudsync-example-provider");
    private static final Pattern BLOCK = Pattern.compile("```(\\w*)\n(.*?)\n```\n", Pattern.DOTALL);
    /** The line above a block of section 4 names its file: "... `FolderProvider.java`:". */
    private static final Pattern LABEL = Pattern.compile(".*`([\\w./-]+)`:");

    @Test
    void section4_isTheExampleModulesSources_byteForByte() throws IOException {
        String section = section(guide(), "## 4. ", "## 5. ");
        Map<String, String> shown = new TreeMap<>(); // file -> block
        Matcher m = BLOCK.matcher(section);
        while (m.find()) {
            List<String> before = section.substring(0, m.start()).strip().lines().toList();
            Matcher label = LABEL.matcher(before.get(before.size() - 1));
            assertThat(label.matches()).as("the line above a block of section 4 names its file as `Name.java`: %s",
                    before.get(before.size() - 1)).isTrue();
            assertThat(shown.put(label.group(1), m.group(2))).as("section 4 shows %s once", label.group(1)).isNull();
        }

        Map<String, Path> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(EXAMPLE.resolve("src"))) {
            files.filter(Files::isRegularFile).forEach(f -> sources.put(shownName(f), f));
        }
        assertThat(shown.keySet()).as("the files section 4 shows are the example module's sources")
                .containsExactlyElementsOf(sources.keySet());
        for (Map.Entry<String, Path> source : sources.entrySet()) {
            assertThat(shown.get(source.getKey()) + "\n").as("docs/PROVIDERS.md, section 4, shows %s byte for byte",
                    source.getValue()).isEqualTo(Files.readString(source.getValue(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theMavenBlock_isWhatTheExampleModuleDeclares_withTheBuildsJUnitVersion() throws Exception {
        String guide = guide();
        List<String> xml = new ArrayList<>();
        Matcher m = BLOCK.matcher(guide);
        while (m.find()) {
            if (m.group(1).equals("xml")) {
                xml.add(m.group(2));
            }
        }
        assertThat(xml).as("docs/PROVIDERS.md has one Maven block, the checked one").hasSize(1);
        Element parent = parse(Files.readString(PROJECT_ROOT.resolve("pom.xml"), StandardCharsets.UTF_8));
        String junit = child(child(parent, "properties"), "junit.version").getTextContent().strip();

        List<String> printed = dependencies(parse("<project>" + xml.get(0) + "</project>"), name -> "${" + name + "}");
        List<String> declared = dependencies(parse(Files.readString(EXAMPLE.resolve("pom.xml"), StandardCharsets.UTF_8)),
                name -> name.equals("project.version") ? "${cloudsync.version}" : property(parent, name));

        assertThat(printed).as("the guide's Maven block declares what the example module declares, in the same form")
                .containsExactlyElementsOf(declared)
                .contains("org.junit.jupiter:junit-jupiter:jar:test:" + junit);
        assertThat(guide).as("the guide names the JUnit version the kit is built with (the parent's junit.version)")
                .contains("built with JUnit " + junit + " ");
    }

    @Test
    void theExamplesMainCode_isUnder300Lines_asTheGuideSays() throws IOException {
        long lines = 0;
        try (Stream<Path> files = Files.walk(EXAMPLE.resolve("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                lines += Files.readString(f, StandardCharsets.UTF_8).chars().filter(c -> c == '\n').count();
            }
        }
        assertThat(lines).as("the example provider's main code, in lines").isPositive().isLessThan(300);
        assertThat(section(guide(), "## 4. ", "## 5. ")).as("section 4 states the count")
                .contains("is " + lines + " lines (`wc -l`");
    }

    @Test
    void failuresLinkTheGuide_atTheProjectsAddress() throws Exception {
        Element parent = parse(Files.readString(PROJECT_ROOT.resolve("pom.xml"), StandardCharsets.UTF_8));
        String repository = property(parent, "cloudsync.repository.url");
        String version = child(parent, "version").getTextContent().strip();
        String ref = version.endsWith("-SNAPSHOT") ? "main" : "v" + version;

        assertThat(repository).startsWith("https://");
        assertThat(child(parent, "url").getTextContent().strip()).isEqualTo("${cloudsync.repository.url}");
        assertThat(ContractRule.R2_01.docs()).isEqualTo(repository + "/blob/" + ref + "/docs/PROVIDERS.md#r2-01");
        assertThat(Rules.failure(ContractRule.R2_01, "acme", "observed").getMessage())
                .endsWith("(provider 'acme'; see " + repository + "/blob/" + ref + "/docs/PROVIDERS.md#r2-01)");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static String guide() throws IOException {
        return Files.readString(GUIDE, StandardCharsets.UTF_8);
    }

    private static String section(String guide, String heading, String next) {
        int start = guide.indexOf("\n" + heading);
        int end = guide.indexOf("\n" + next, start);
        assertThat(start).as("docs/PROVIDERS.md has a section '%s'", heading).isNotNegative();
        assertThat(end).as("docs/PROVIDERS.md has a section '%s' after '%s'", next, heading).isGreaterThan(start);
        return guide.substring(start, end + 1);
    }

    /** How section 4 names a source: Java files by their name, others by their path in the project. */
    private static String shownName(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".java") ? name : EXAMPLE.relativize(file).toString().replace('\\', '/');
    }

    /** groupId:artifactId:type:scope:version of every dependency, managed ones first, versions resolved. */
    private static List<String> dependencies(Element project, java.util.function.UnaryOperator<String> resolve) {
        List<String> out = new ArrayList<>();
        for (String section : List.of("dependencyManagement", "dependencies")) {
            Element deps = child(project, section);
            if (section.equals("dependencyManagement")) {
                deps = child(deps, "dependencies");
            }
            for (Node n = deps.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element d) {
                    String version = text(d, "version", "");
                    Matcher p = Pattern.compile("\\$\\{(.+)}").matcher(version);
                    out.add(String.join(":", text(d, "groupId", ""), text(d, "artifactId", ""), text(d, "type", "jar"),
                            text(d, "scope", "compile"), p.matches() ? resolve.apply(p.group(1)) : version));
                }
            }
        }
        return out;
    }

    private static String property(Element project, String name) {
        return child(child(project, "properties"), name).getTextContent().strip();
    }

    private static String text(Element parent, String name, String absent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        return absent;
    }

    private static Element child(Element parent, String name) {
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("<" + parent.getTagName() + "> has no <" + name + ">");
    }

    private static Element parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        return doc.getDocumentElement();
    }
}
