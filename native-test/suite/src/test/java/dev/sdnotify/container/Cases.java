package dev.sdnotify.container;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the cases share: their units, the backend check, and a plain TCP client inside the container. */
final class Cases {
    private Cases() {}

    static Container container() {
        return ContainerCases.suite().container();
    }

    /** This backend's instance of the template unit {@code prefix}, as in {@code unit("sdn-ready@", JAVA)}. */
    static Unit unit(String prefix, Backend backend) {
        return new Unit(container(), backend.unit(prefix));
    }

    /** A unit by its full name (a socket, say). */
    static Unit named(String name) {
        return new Unit(container(), name);
    }

    static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    /**
     * Waits for the service's line naming the backend the library chose over the jrun services' gateway:
     * libsystemd as this root's library with what its release lacks, or java because libsystemd cannot be
     * loaded.
     */
    static void expectBackend(Unit unit, Backend backend) {
        unit.awaitJournal(ContainerCases.suite().backendLine(backend, ContainerCases.suite().jrunGateway()),
                seconds(10));
    }

    /** The last line of the answer to GET / from 127.0.0.1:port inside the container; the result says if it failed. */
    static Container.Result httpGet(int port) {
        return container().run("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port
                + " && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && tail -n 1 <&3");
    }

    /** The status line of the answer to GET path from 127.0.0.1:port inside the container, read within 5 s. */
    static Container.Result httpStatusLine(int port, String path) {
        return container().run("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf 'GET " + path
                + " HTTP/1.0\\r\\n\\r\\n' >&3 && timeout 5 head -n 1 <&3 | tr -d '\\r'");
    }

    /** The first line a TCP server at 127.0.0.1:port in the container sends, read within 10 s. */
    static Container.Result firstLine(int port) {
        return container().run("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port
                + " && read -r -t 10 line <&3 && echo \"$line\"");
    }

    /** A time span property as systemctl shows it, in whole seconds ("12s", "1min 30s"). */
    static long spanSeconds(Unit unit, String property) {
        String value = unit.prop(property);
        Matcher m = Pattern.compile("(?:(\\d+)min)? ?(?:(\\d+)s)?").matcher(value);
        if (value.isEmpty() || !m.matches()) {
            throw new AssertionError(unit + ": " + property + " is '" + value + "', not whole seconds");
        }
        return (m.group(1) == null ? 0 : 60 * Long.parseLong(m.group(1)))
                + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
    }

    /** The unit's Environment= assignments, as the manager parsed them. */
    static Map<String, String> environment(Unit unit) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String word : unit.prop("Environment").split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                env.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return env;
    }
}
