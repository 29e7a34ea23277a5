package dev.sdnotify.container;

/**
 * The agent's two ways to the notify socket, each on the JDK that makes the agent take it: JNA on a JDK from
 * 11 to 21 (the root's OpenJDK 17 on bookworm), FFM on 22 or later (the host's Temurin 25 bound in, or the
 * root's own OpenJDK 25 on sid). Each case runs once per gateway, one after the other.
 */
enum AgentGateway {
    JNA,
    FFM;

    /** The JDK's home in the container. */
    String jdk() {
        AgentSuite suite = AgentCases.suite();
        return this == JNA ? suite.jnaJdk() : suite.ffmJdk();
    }

    /** As in the result rows and file names: jna, ffm. */
    String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
