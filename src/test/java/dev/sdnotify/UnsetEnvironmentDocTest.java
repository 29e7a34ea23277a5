package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every public {@code …AndUnsetEnvironment} method states the C rule where users read it, in its own Javadoc:
 * {@code unsetenv} is not thread-safe, so call it early, from one thread.
 */
class UnsetEnvironmentDocTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/sdnotify");

    @Test
    void everyUnsetVariantStatesTheThreadRule() throws IOException {
        List<String> checked = new ArrayList<>();
        for (Class<?> type : List.of(Notifier.class, SdNotify.class, SocketActivation.class, Watchdog.class)) {
            String source = Files.readString(SOURCES.resolve(type.getSimpleName() + ".java"));
            for (Method m : type.getDeclaredMethods()) {
                if (!m.getName().endsWith("AndUnsetEnvironment") || !Modifier.isPublic(m.getModifiers())) {
                    continue;
                }
                String doc = javadocOf(source, m.getName());
                String where = type.getSimpleName() + "." + m.getName();
                assertTrue(doc.contains("{@code unsetenv} is not thread-safe"), where + ": " + doc);
                assertTrue(doc.replaceAll("\\s*\\*\\s*", " ").contains("call it early, from one thread"),
                        where + ": " + doc);
                checked.add(where);
            }
        }
        assertTrue(checked.size() >= 7, "the unset variants found: " + checked);
    }

    /** The comment right before the method's declaration. */
    private static String javadocOf(String source, String method) {
        int declaration = -1;
        for (String prefix : new String[] {" boolean " + method + "(", "> " + method + "("}) {
            int at = source.indexOf(prefix);
            if (at >= 0) {
                declaration = at;
            }
        }
        assertFalse(declaration < 0, "no declaration of " + method);
        int end = source.lastIndexOf("*/", declaration);
        int start = source.lastIndexOf("/**", end);
        return source.substring(start, end);
    }
}
