package dev.sdnotify.container;

import org.junit.jupiter.api.Order;

/**
 * Kafka 4.4 from Maven Central (native-test/servers/kafka: one KRaft node, its storage formatted by an
 * ExecStartPre= JVM on each start), under the agent's drop-in with preset=kafka.
 */
@AgentCase("kafka")
class AgentKafkaCase {
    private static AgentServer server(AgentGateway gateway, CaseLog log) {
        return new AgentServer(AgentProduct.KAFKA, gateway, log);
    }

    @Order(1)
    @AgentCheck("ready")
    void startReturnsOnceServingAndStopSaysStopping(AgentGateway gateway, CaseLog log) {
        AgentChecks.startAndStop(server(gateway, log));
    }

    /** The helper JVM is the unit's own: the storage format step, an ExecStartPre= that systemd starts itself. */
    @Order(2)
    @AgentCheck("helpers")
    void formatStepStaysSilent(AgentGateway gateway, CaseLog log) {
        AgentChecks.helpers(server(gateway, log));
    }

    @Order(3)
    @AgentCheck("timeout")
    void readyPredicateThatNeverHolds(AgentGateway gateway, CaseLog log) {
        AgentChecks.neverReady(server(gateway, log), 45);
    }

    @Order(4)
    @AgentCheck("watchdog-stop")
    void stoppedJvmKilledByTheWatchdog(AgentGateway gateway, CaseLog log) {
        AgentChecks.stoppedJvm(server(gateway, log));
    }
}
