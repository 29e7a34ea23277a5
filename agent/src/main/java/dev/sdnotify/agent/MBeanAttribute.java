package dev.sdnotify.agent;

import java.util.Objects;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/**
 * {@code jmx:OBJECTNAME#ATTRIBUTE=VALUE}: the attribute of that MBean on the platform MBean server, in-process,
 * equals VALUE as a string; {@code jmx:OBJECTNAME} alone: an MBean of that name (a pattern may match several) is
 * registered. The check never creates the platform MBean server (that would start the JVM's logging before the
 * application configures it): until the application has made it, the answer is "not yet".
 */
final class MBeanAttribute implements Check {
    private static final ObjectName RUNTIME = name("java.lang:type=Runtime");

    private final ObjectName name;
    private final String attribute;
    private final String expected;

    MBeanAttribute(ObjectName name, String attribute, String expected) {
        this.name = name;
        this.attribute = attribute;
        this.expected = expected;
    }

    @Override
    public String failure() {
        MBeanServer server = platformServer();
        if (server == null) {
            return "the platform MBean server does not exist yet";
        }
        Set<ObjectName> names = server.queryNames(name, null);
        if (names.isEmpty()) {
            return "no MBean " + name + " yet";
        }
        if (attribute == null) {
            return null;
        }
        try {
            String value = String.valueOf(server.getAttribute(names.iterator().next(), attribute));
            return Objects.equals(value, expected) ? null : name + " " + attribute + " is " + value + ", not " + expected;
        } catch (JMException | RuntimeException e) {
            return "cannot read " + name + " " + attribute + ": " + e;
        }
    }

    /** The platform MBean server if the application made it: the one that has the JVM's Runtime MXBean. */
    private static MBeanServer platformServer() {
        for (MBeanServer s : MBeanServerFactory.findMBeanServer(null)) {
            if (s.isRegistered(RUNTIME)) {
                return s;
            }
        }
        return null;
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "MBean " + name + (attribute == null ? "" : " " + attribute + "=" + expected);
    }
}
