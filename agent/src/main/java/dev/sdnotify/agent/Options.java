package dev.sdnotify.agent;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The agent's settings: {@code key=value} pairs separated by {@code ;}, from {@code -javaagent:...=OPTIONS} and
 * from the environment variable {@code SDNOTIFY_AGENT}; where both give a key, the {@code -javaagent} string wins.
 * Every key is in {@code docs/agent.md}. A malformed option is an {@link IllegalArgumentException} whose message is
 * one line naming the option and the accepted forms.
 */
final class Options {
    static final String FORMS = "port:N, http:URL, jmx:OBJECTNAME[#ATTRIBUTE=VALUE], log:REGEX";
    private static final List<String> KEYS = List.of("ready", "health", "preset", "main", "deadlock", "extend",
            "failures", "trigger", "enabled");
    private static final Map<String, String> PRESETS = Map.of(
            "tomcat", "jmx:Catalina:type=Server#stateName=STARTED",
            "kafka", "jmx:kafka.server:type=KafkaServer,name=BrokerState#Value=3",
            "zookeeper", "jmx:org.apache.ZooKeeperService:name0=StandaloneServer_port*");

    final List<Check> ready = new ArrayList<>();
    final List<Check> health = new ArrayList<>();
    boolean mainSelf;
    boolean deadlock = true;
    Duration extend = Duration.ofSeconds(30);
    int failures = 1;
    boolean trigger = true;
    boolean enabled = true;
    /** What the status says READY=1 waited for when no predicate was given. */
    boolean defaultReady;

    private Options() {}

    /** The settings from the {@code -javaagent} string and {@code SDNOTIFY_AGENT} (either may be null). */
    static Options parse(String javaagent, String environment) {
        Map<String, List<String>> values = pairs(environment, "SDNOTIFY_AGENT");
        values.putAll(pairs(javaagent, "-javaagent"));
        Options o = new Options();
        for (String preset : values.getOrDefault("preset", List.of())) {
            String p = PRESETS.get(preset.toLowerCase(Locale.ROOT));
            if (p == null) {
                throw bad("preset=" + preset, "presets are " + String.join(", ", PRESETS.keySet()));
            }
            o.ready.add(check(p, true, "preset=" + preset));
        }
        for (String v : values.getOrDefault("ready", List.of())) {
            o.ready.add(check(v, true, "ready=" + v));
        }
        for (String v : values.getOrDefault("health", List.of())) {
            o.health.add(check(v, false, "health=" + v));
        }
        o.mainSelf = values.containsKey("main") && choice(values, "main", "self", "self");
        o.deadlock = flag(values, "deadlock", true);
        o.trigger = flag(values, "trigger", true);
        o.enabled = flag(values, "enabled", true);
        o.extend = duration(values, "extend", o.extend);
        o.failures = number(values, "failures", 1, 1, 100);
        if (o.ready.isEmpty()) {
            o.ready.add(new ListeningPort(0));
            o.defaultReady = true;
        }
        if (!values.containsKey("health")) {
            for (Check c : o.ready) {
                if (!(c instanceof LogLine)) {
                    o.health.add(c);
                }
            }
        }
        return o;
    }

    /** {@code text}'s pairs, by key in order; an empty or absent text has none. */
    private static Map<String, List<String>> pairs(String text, String source) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String pair : text.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
            if (eq < 0 || !KEYS.contains(key)) {
                throw new IllegalArgumentException("sdnotify-agent: " + (eq < 0 ? "no '=' in '" + pair.trim() + "'"
                        : "unknown key '" + key + "'") + " in " + source + "; options are KEY=VALUE separated by ';'"
                        + ", keys: " + String.join(", ", KEYS));
            }
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(pair.substring(eq + 1).trim());
        }
        return out;
    }

    /** One predicate, {@code log:} only where {@code logAllowed}. */
    private static Check check(String value, boolean logAllowed, String option) {
        int colon = value.indexOf(':');
        String kind = colon < 0 ? value : value.substring(0, colon);
        String arg = colon < 0 ? "" : value.substring(colon + 1);
        switch (kind) {
            case "port":
                try {
                    int port = Integer.parseInt(arg);
                    if (port >= 1 && port <= 65535) {
                        return new ListeningPort(port);
                    }
                } catch (NumberFormatException e) {
                    // below
                }
                throw bad(option, "port:N takes a port number from 1 to 65535");
            case "http":
                try {
                    URI uri = new URI(arg);
                    if ("http".equals(uri.getScheme()) && uri.getHost() != null) {
                        return new HttpGet(uri);
                    }
                } catch (java.net.URISyntaxException e) {
                    // below
                }
                throw bad(option, "http:URL takes an http:// URL with a host, such as http://127.0.0.1:8080/health");
            case "jmx":
                int hash = arg.lastIndexOf('#');
                String name = hash < 0 ? arg : arg.substring(0, hash);
                String attribute = hash < 0 ? null : arg.substring(hash + 1);
                int eq = attribute == null ? -1 : attribute.indexOf('=');
                try {
                    if (attribute == null || eq > 0) {
                        return new MBeanAttribute(new ObjectName(name), eq < 0 ? null : attribute.substring(0, eq),
                                eq < 0 ? null : attribute.substring(eq + 1));
                    }
                } catch (MalformedObjectNameException e) {
                    throw bad(option, "'" + name + "' is not an object name (" + e.getMessage() + ")");
                }
                throw bad(option, "jmx:OBJECTNAME#ATTRIBUTE=VALUE, or jmx:OBJECTNAME for a registered MBean");
            case "log":
                if (!logAllowed) {
                    throw bad(option, "log: is for ready= only: a line once written cannot become unhealthy");
                }
                try {
                    return new LogLine(Pattern.compile(arg));
                } catch (PatternSyntaxException e) {
                    throw bad(option, "log:REGEX takes a Java regular expression: " + e.getDescription());
                }
            default:
                throw bad(option, "unknown predicate '" + kind + "'");
        }
    }

    private static boolean flag(Map<String, List<String>> values, String key, boolean absent) {
        return !values.containsKey(key) ? absent : choice(values, key, "on", "on", "off");
    }

    /** Whether the last value of {@code key} is {@code yes} rather than another of {@code accepted}. */
    private static boolean choice(Map<String, List<String>> values, String key, String yes, String... accepted) {
        String v = last(values, key).toLowerCase(Locale.ROOT);
        if (!List.of(accepted).contains(v)) {
            throw bad(key + "=" + v, key + " takes " + String.join(" or ", accepted));
        }
        return v.equals(yes);
    }

    private static Duration duration(Map<String, List<String>> values, String key, Duration absent) {
        if (!values.containsKey(key)) {
            return absent;
        }
        String v = last(values, key);
        java.util.regex.Matcher m = Pattern.compile("(\\d+)(ms|s|min)").matcher(v);
        if (!m.matches()) {
            throw bad(key + "=" + v, key + " takes a duration such as 500ms, 30s or 2min, or 0s for none");
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("ms") ? Duration.ofMillis(n) : m.group(2).equals("s") ? Duration.ofSeconds(n)
                : Duration.ofMinutes(n);
    }

    private static int number(Map<String, List<String>> values, String key, int absent, int min, int max) {
        if (!values.containsKey(key)) {
            return absent;
        }
        String v = last(values, key);
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw bad(key + "=" + v, key + " takes a number from " + min + " to " + max);
    }

    private static String last(Map<String, List<String>> values, String key) {
        List<String> v = values.get(key);
        return v.get(v.size() - 1);
    }

    private static IllegalArgumentException bad(String option, String why) {
        return new IllegalArgumentException("sdnotify-agent: bad option '" + option + "': " + why
                + (option.startsWith("ready=") || option.startsWith("health=") ? "; predicates: " + FORMS : ""));
    }
}
