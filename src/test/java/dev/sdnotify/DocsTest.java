package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README starts a user in one screen, and every page of docs/ is reachable from it by links that resolve. */
class DocsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void theReadmeFitsOnAFewScreens() throws IOException {
        int lines = Files.readAllLines(ROOT.resolve("README.md")).size();
        assertTrue(lines <= 200, "README.md has " + lines + " lines; the depth belongs in docs/");
    }

    @Test
    void everyLinkResolvesAndEveryPageIsReachable() throws IOException {
        List<String> broken = new ArrayList<>();
        Set<Path> reached = new HashSet<>();
        Deque<Path> todo = new ArrayDeque<>(List.of(ROOT.resolve("README.md")));
        while (!todo.isEmpty()) {
            Path page = todo.pop();
            if (!reached.add(page) || !page.toString().endsWith(".md")) {
                continue;
            }
            Matcher m = LINK.matcher(withoutCode(Files.readString(page)));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                Path file = hash == 0 ? page : page.getParent().resolve(hash < 0 ? target : target.substring(0, hash))
                        .normalize();
                if (!Files.exists(file)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(file).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
                } else {
                    todo.push(file);
                }
            }
        }
        assertEquals(List.of(), broken, "links that do not resolve");
        Set<String> unreached;
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            unreached = docs.filter(p -> p.toString().endsWith(".md") && !reached.contains(p))
                    .map(p -> ROOT.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(Set.of(), unreached, "pages no link from the README leads to");
    }

    /** The anchors GitHub makes of a page's headings. */
    private static Set<String> anchors(Path file) throws IOException {
        return withoutCode(Files.readString(file)).lines().filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "")
                        .replace(' ', '-'))
                .collect(Collectors.toSet());
    }

    /** The text without fenced code blocks, whose lines are neither headings nor links. */
    private static String withoutCode(String markdown) {
        return markdown.replaceAll("(?ms)^```.*?^```", "");
    }
}
