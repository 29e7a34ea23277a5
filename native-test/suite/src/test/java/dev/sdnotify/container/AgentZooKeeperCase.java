package dev.sdnotify.container;

import static dev.sdnotify.container.AgentChecks.lines;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;

/**
 * Debian's ZooKeeper (bookworm: the zookeeper package under native-test/servers/zookeeper/zookeeper.service;
 * sid: zookeeperd's own unit), under the agent's drop-in with preset=zookeeper.
 */
@AgentCase("zookeeper")
class AgentZooKeeperCase {
    /** The package's start script, told not to exec java: the shell stays the unit's main process. */
    private static final String[] WRAPPER = {"ExecStart=", "ExecStart=/usr/share/zookeeper/bin/zkServer.sh start-foreground",
        "Environment=ZOO_NOEXEC=1", "NotifyAccess=all"};

    private static AgentServer server(AgentGateway gateway, CaseLog log) {
        return new AgentServer(AgentProduct.ZOOKEEPER, gateway, log);
    }

    @Order(1)
    @AgentCheck("ready")
    void startReturnsOnceServingAndStopSaysStopping(AgentGateway gateway, CaseLog log) {
        AgentChecks.startAndStop(server(gateway, log));
    }

    /** Two helper JVMs: one systemd starts itself, and one the package's script starts (zkServer.sh version). */
    @Order(2)
    @AgentCheck("helpers")
    void helperJvmsStaySilent(AgentGateway gateway, CaseLog log) {
        AgentChecks.helpers(server(gateway, log), "ExecStartPre=/usr/bin/java -version",
                "ExecStartPre=/usr/share/zookeeper/bin/zkServer.sh version");
    }

    @Order(3)
    @AgentCheck("timeout")
    void readyPredicateThatNeverHolds(AgentGateway gateway, CaseLog log) {
        AgentChecks.neverReady(server(gateway, log), 15);
    }

    @Order(4)
    @AgentCheck("watchdog-stop")
    void stoppedJvmKilledByTheWatchdog(AgentGateway gateway, CaseLog log) {
        AgentChecks.stoppedJvm(server(gateway, log));
    }

    /**
     * zkServer.sh start-foreground with ZOO_NOEXEC=1 keeps the shell as the main process and runs the JVM as
     * its child. Control: the agent without main=self stays silent in that JVM (not the unit's main process),
     * and the start times out. With main=self (NotifyAccess=all): active once serving, and MainPID is the JVM.
     */
    @Order(5)
    @AgentCheck("main-self")
    void wrapperWithoutExecMovesMainPid(AgentGateway gateway, CaseLog log) {
        AgentServer s = server(gateway, log);
        s.configure("without main=self", true, lines(WRAPPER, "TimeoutStartSec=20s", "Restart=no"));
        String cursor = s.cursor();
        s.startNoBlock();
        String[] shell = {""};
        String state = s.awaitSettled(AgentChecks.START, p -> {
            if (p.get("ActiveState").equals("activating") && !p.get("MainPID").equals("0")) {
                shell[0] = p.get("MainPID") + " (" + s.container.run("readlink", "/proc/" + p.get("MainPID") + "/exe").text() + ")";
            }
        }, "MainPID");
        Map<String, String> control = s.record("without main=self");
        List<String> journal = s.journal(cursor);
        s.logLines("start", journal, AgentServer.SYSTEMD_LINES, 20);
        s.log.log("  MainPID while activating: " + shell[0]);
        if (!state.equals("failed") || !control.get("Result").equals("timeout")) {
            throw new AssertionError(s.name() + ": without main=self the start ended " + state + " (" + control.get("Result")
                    + "), not in a timeout: the control arm does not show what main=self does");
        }
        s.container.check("systemctl", "reset-failed", s.name());

        s.configure("main=self", true, lines(WRAPPER, "Environment=\"SDNOTIFY_AGENT=preset=zookeeper;main=self\""));
        cursor = s.cursor();
        AgentServer.Probe probe = s.startAndProbe(AgentChecks.REQUESTS);
        s.record("with main=self");
        if (!probe.all()) {
            throw new AssertionError(s.name() + ": with main=self " + probe.answered() + " of " + AgentChecks.REQUESTS
                    + " answered right after systemctl start (" + probe.startExit() + "): " + probe.text());
        }
        String pid = s.mainJvm();
        String parent = s.container.check("sh", "-c", "set -- $(cat /proc/$1/stat | sed 's/^.*) //'); echo $2", "sh", pid);
        String parentExe = s.container.run("readlink", "/proc/" + parent + "/exe").text();
        journal = s.journal(cursor);
        s.logLines("start", journal, AgentServer.SYSTEMD_LINES, 20);
        s.log.log("  the JVM " + pid + " runs under " + parent + " (" + parentExe + ")");
        if (AgentServer.notifications(journal).stream().noneMatch(m -> m[0].equals(pid) && m[1].contains("MAINPID=" + pid))) {
            throw new AssertionError(s.name() + ": no MAINPID=" + pid + " from the JVM; notifications: "
                    + AgentChecks.describe(AgentServer.notifications(journal)));
        }
        s.stop();
        log.note("without main=self: Result=timeout, MainPID the shell " + shell[0] + "; with main=self: "
                + AgentChecks.REQUESTS + "/" + AgentChecks.REQUESTS + " answered, MainPID the JVM " + pid + " (child of " + parentExe + ")");
    }
}
