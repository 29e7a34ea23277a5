package dev.sdnotify.container;

import java.util.List;

/**
 * A server product the agent is tried on: its unit in the container, the drop-in docs/agent-servers.md shows
 * for it (native-test/servers/dropins/, bound in under /opt/sdnotify/servers), and how the probe talks to it.
 */
enum AgentProduct {
    /** Debian's tomcat10 (or sid's tomcat11) with the probe application at /probe. */
    TOMCAT("tomcat", "http", "8080", "/probe/"),
    /** Kafka from Maven Central, native-test/servers/kafka/kafka.service. */
    KAFKA("kafka", "kafka", "9092"),
    /** Debian's zookeeper: bookworm with native-test/servers/zookeeper/zookeeper.service, sid with its own. */
    ZOOKEEPER("zookeeper", "zookeeper", "2181");

    private final String id;
    private final List<String> probe;

    AgentProduct(String id, String... probe) {
        this.id = id;
        this.probe = List.of(probe);
    }

    String id() {
        return id;
    }

    String unit() {
        return this == TOMCAT ? AgentCases.suite().tomcatUnit() : id + ".service";
    }

    /** The arguments of native-test/servers/probe before the count: kind, port (and path). */
    List<String> probe() {
        return probe;
    }

    /** The drop-in of docs/agent-servers.md, in the container. */
    String dropIn() {
        return "/opt/sdnotify/servers/dropins/" + id + ".conf";
    }

    static AgentProduct of(String id) {
        for (AgentProduct product : values()) {
            if (product.id.equals(id)) {
                return product;
            }
        }
        throw new IllegalArgumentException("no product '" + id + "'");
    }
}
