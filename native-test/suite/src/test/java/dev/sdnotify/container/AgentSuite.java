package dev.sdnotify.container;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What native-test/servers.sh knows about the container it booted for the agent's cases, passed as system
 * properties: its PID 1, the root (a Debian rootfs with the servers) and its systemd, the agent jar's path
 * inside (empty when there is none yet), the JDK serving each gateway, the JDK the root's /usr/bin/java is,
 * the products installed there, and the rows selected.
 */
record AgentSuite(
        long pid,
        String label,
        int systemd,
        Path results,
        String jar,
        String jnaJdk,
        String ffmJdk,
        String rootJdk,
        Set<String> products,
        String tomcatUnit,
        Set<String> selected) {

    static final String PID = "sdnotify.agent.pid";

    /** The suite of this run, or null when no container was booted for it. */
    static AgentSuite fromSystemProperties() {
        String pid = System.getProperty(PID, "");
        if (pid.isEmpty()) {
            return null;
        }
        return new AgentSuite(
                Long.parseLong(pid),
                required("sdnotify.agent.label"),
                Integer.parseInt(required("sdnotify.agent.systemd")),
                Path.of(required("sdnotify.agent.results")),
                System.getProperty("sdnotify.agent.jar", ""),
                required("sdnotify.agent.jdk.jna"),
                required("sdnotify.agent.jdk.ffm"),
                required("sdnotify.agent.jdk.root"),
                words(required("sdnotify.agent.products")),
                System.getProperty("sdnotify.agent.tomcat.unit", ""),
                words(System.getProperty("sdnotify.agent.selected", "")));
    }

    private static Set<String> words(String text) {
        return Arrays.stream(text.split("[ ,]+")).filter(w -> !w.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    private static String required(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set (native-test/servers.sh sets it)");
        }
        return value;
    }

    Container container() {
        return new Container(pid);
    }

    /**
     * Whether a row (product-check) is selected on a gateway (null: on either): all are when none is named, else by
     * its name or its product's, each alone or with {@code @jna} or {@code @ffm} for one gateway only.
     */
    boolean selects(String product, String row, AgentGateway gateway) {
        if (selected.isEmpty()) {
            return true;
        }
        for (String s : selected) {
            int at = s.indexOf('@');
            String name = at < 0 ? s : s.substring(0, at);
            boolean onGateway = at < 0 || gateway == null || s.substring(at + 1).equals(gateway.id());
            if ((name.equals(product) || name.equals(row)) && onGateway) {
                return true;
            }
        }
        return false;
    }
}
