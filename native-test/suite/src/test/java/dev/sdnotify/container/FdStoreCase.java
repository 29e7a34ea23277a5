package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.expectBackend;
import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;

/**
 * FD store: a stored listening socket survives a restart (no refused connection meanwhile), comes back with
 * its name, and FDSTOREREMOVE=1 removes it.
 */
@ContainerCase("fdstore")
@Order(6)
class FdStoreCase {
    private static final int CONNECTIONS = 40;

    @OnEachBackend
    void socketSurvivesRestart(Backend backend, CaseLog log) throws InterruptedException {
        Unit service = unit("sdn-fdstore@", backend);
        int port = backend.port(6);
        service.start();
        service.awaitProp("NFileDescriptorStore", "1", seconds(5));
        service.awaitPropLike("StatusText", "created and stored fd *", seconds(5));
        String pid1 = service.prop("MainPID");
        // A client connects every 50 ms throughout the restart and records each answer (and any error).
        Process client = Cases.container().start("bash", "-c", "exec 2>&1; for i in $(seq " + CONNECTIONS + "); do"
                + "  if exec 3<>/dev/tcp/127.0.0.1/" + port + "; then"
                + "    if read -r -t 5 line <&3; then echo \"ok $line\"; else echo noreply; fi;"
                + "    exec 3<&-;"
                + "  else echo refused; fi;"
                + "  sleep 0.05;"
                + " done");
        // Some connections to the first process, then the restart while the client goes on.
        Await.observeFor(Duration.ofMillis(500));
        service.restart();
        String out = Container.read(client.getInputStream());
        client.waitFor(30, TimeUnit.SECONDS);
        List<String> answers = out.lines().collect(Collectors.toList());
        String pid2 = service.prop("MainPID");
        if (pid2.equals(pid1)) {
            throw new AssertionError(service + ": restart kept main pid " + pid1);
        }
        service.expectProp("NFileDescriptorStore", "1");
        service.awaitProp("StatusText", "reused stored fd 3", seconds(5));
        service.awaitJournal("passed \\[3:listener\\]", seconds(5));
        List<String> failed = answers.stream().filter(a -> !a.startsWith("ok pid ")).collect(Collectors.toList());
        if (!failed.isEmpty()) {
            throw new AssertionError("failed connections during the restart: " + counts(failed));
        }
        if (!answers.contains("ok pid " + pid1)) {
            throw new AssertionError("no connection answered by the first process (" + pid1 + "): " + counts(answers));
        }
        if (!answers.contains("ok pid " + pid2)) {
            throw new AssertionError("no connection answered by the restarted process (" + pid2 + "): " + counts(answers));
        }
        service.signalMain("HUP");
        service.awaitProp("NFileDescriptorStore", "0", seconds(5));
        service.awaitProp("StatusText", "removed the stored listener", seconds(5));
        service.restart();
        service.awaitPropLike("StatusText", "created and stored fd *", seconds(5));
        service.awaitProp("NFileDescriptorStore", "1", seconds(5));
        expectBackend(service, backend);
        log.note(answers.size() + "/" + CONNECTIONS + " connections answered across the restart (pids " + pid1 + ", " + pid2
                + "), none refused; after FDSTOREREMOVE the next start got no fd");
        service.stop();
    }

    private static String counts(List<String> answers) {
        Map<String, Long> counts = answers.stream().collect(Collectors.groupingBy(a -> a, TreeMap::new, Collectors.counting()));
        return counts.toString();
    }
}
