package dev.sdnotify.localsupervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model alone, on a clock of its own: each rule of systemd's it follows, at the exact nanosecond. */
class ManagerModelTest {
    private static final int MAIN = 100;
    private static final long S = 1_000_000_000L;

    @Test
    void readyEndsTheStartTimeout() {
        ManagerModel model = new ManagerModel(MAIN, 90 * S, 0);
        assertEquals(90 * S, model.nextDeadline());
        assertEquals(List.of("ready: systemd would now start the units ordered after this one"),
                model.receive(message(MAIN, "READY=1\nSTATUS=Serving"), S));
        assertEquals(ManagerModel.NEVER, model.nextDeadline());
        assertEquals(List.of(), model.expire(100 * S));
    }

    @Test
    void theStartTimeoutFiresOnceAtItsDeadline() {
        ManagerModel model = new ManagerModel(MAIN, 2 * S, 0);
        assertEquals(List.of(), model.expire(2 * S - 1));
        List<String> fired = model.expire(2 * S);
        assertEquals(1, fired.size());
        assertTrue(fired.get(0).startsWith("start timeout: no READY=1 after 2.000 s: systemd would stop the service "
                + "with SIGTERM now and fail the start (Result=timeout)"), fired::toString);
        assertEquals(List.of(), model.expire(3 * S));
        assertEquals(List.of("ready, after the start timeout: systemd would have failed the start already"),
                model.receive(message(MAIN, "READY=1"), 4 * S));
    }

    @Test
    void extendTimeoutMovesTheStartTimeoutOnlyLater() {
        ManagerModel model = new ManagerModel(MAIN, 2 * S, 0);
        model.receive(message(MAIN, "EXTEND_TIMEOUT_USEC=3000000"), S);
        assertEquals(4 * S, model.nextDeadline());
        model.receive(message(MAIN, "EXTEND_TIMEOUT_USEC=1000000"), 2 * S);
        assertEquals(4 * S, model.nextDeadline(), "an extension that ends sooner changes nothing");
        assertEquals(List.of(), model.expire(4 * S - 1));
        assertEquals(1, model.expire(4 * S).size());
    }

    @Test
    void anExtensionAfterTheStartTimeoutIsTooLate() {
        ManagerModel model = new ManagerModel(MAIN, S, 0);
        model.expire(S);
        assertEquals(List.of("too late: the start timeout has run out already"),
                model.receive(message(MAIN, "EXTEND_TIMEOUT_USEC=3000000"), 2 * S));
        assertEquals(ManagerModel.NEVER, model.nextDeadline());
    }

    @Test
    void theWatchdogStartsAtReadyAndEachKeepAliveStartsItAgain() {
        ManagerModel model = new ManagerModel(MAIN, Durations.INFINITE, 2 * S);
        assertEquals(ManagerModel.NEVER, model.nextDeadline(), "not watched while it starts");
        model.receive(message(MAIN, "READY=1"), S);
        assertEquals(3 * S, model.nextDeadline());
        assertEquals(List.of(), model.receive(message(MAIN, "WATCHDOG=1"), 2 * S));
        assertEquals(List.of(), model.expire(4 * S - 1));
        assertEquals(List.of("watchdog: no keep-alive for 2.000 s (WatchdogSec=2s): systemd would stop the service "
                + "with SIGABRT now (Result=watchdog); the command keeps running here"), model.expire(4 * S));
        assertEquals(List.of(), model.expire(10 * S), "reported once");
    }

    @Test
    void watchdogUsecSetsANewIntervalFromNowAndZeroTurnsItOff() {
        ManagerModel model = new ManagerModel(MAIN, Durations.INFINITE, 0);
        assertEquals(List.of("watchdog: systemd would now expect WATCHDOG=1 at least every 500ms"),
                model.receive(message(MAIN, "WATCHDOG_USEC=500000"), S));
        assertEquals(S + S / 2, model.nextDeadline());
        assertTrue(model.expire(S + S / 2).get(0).contains("(WATCHDOG_USEC=500000)"));
        model.receive(message(MAIN, "WATCHDOG_USEC=0"), 2 * S);
        assertEquals(ManagerModel.NEVER, model.nextDeadline());
    }

    @Test
    void extendTimeoutPostponesTheWatchdogToo() {
        ManagerModel model = new ManagerModel(MAIN, Durations.INFINITE, S);
        model.receive(message(MAIN, "READY=1"), 0);
        assertEquals(List.of("while the service runs, systemd extends only RuntimeMaxSec= and the watchdog",
                "the watchdog too waits until at least 5.000 s"),
                model.receive(message(MAIN, "EXTEND_TIMEOUT_USEC=5000000"), 0));
        assertEquals(5 * S, model.nextDeadline());
    }

    @Test
    void stoppingWinsOverReadyAndEndsTheWatchdog() {
        ManagerModel model = new ManagerModel(MAIN, 90 * S, S);
        model.receive(message(MAIN, "READY=1"), 0);
        List<String> notes = model.receive(message(MAIN, "READY=1\nSTOPPING=1"), S / 2);
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).startsWith("stopping: "), notes::toString);
        assertEquals(ManagerModel.NEVER, model.nextDeadline());
    }

    @Test
    void aReloadEndsWithTheNextReady() {
        ManagerModel model = new ManagerModel(MAIN, 90 * S, 0);
        model.receive(message(MAIN, "READY=1"), 0);
        assertEquals(List.of("reloading: systemd would show the unit as reloading until the next READY=1"),
                model.receive(message(MAIN, "RELOADING=1\nMONOTONIC_USEC=1"), S));
        assertEquals(List.of("reloaded: systemd would show the unit as active again"),
                model.receive(message(MAIN, "READY=1"), 2 * S));
    }

    @Test
    void notesAnotherPidAndFollowsMainpid() {
        ManagerModel model = new ManagerModel(MAIN, 90 * S, 0);
        List<String> notes = model.receive(message(200, "MAINPID=200"), 0);
        assertTrue(notes.get(0).startsWith("pid 200 is not the main pid 100: with NotifyAccess=main"), notes::toString);
        assertTrue(notes.get(1).startsWith("main pid: systemd would take pid 200"), notes::toString);
        assertEquals(200, model.mainPid());
    }

    @Test
    void aWatchdogTriggerIsReportedAtOnce() {
        ManagerModel model = new ManagerModel(MAIN, 90 * S, 0);
        assertEquals(List.of("watchdog trigger: systemd would stop the service with SIGABRT now (Result=watchdog); "
                + "the command keeps running here"), model.receive(message(MAIN, "WATCHDOG=trigger"), 0));
    }

    @Test
    void whatSystemdDropsChangesNothing() {
        ManagerModel model = new ManagerModel(MAIN, 90 * S, 0);
        assertEquals(List.of("systemd would drop this message whole: it contains a NUL byte"),
                model.receive(message(MAIN, "READY=1\0"), 0));
        byte[] large = ("READY=1\nSTATUS=" + "x".repeat(4096)).getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of("systemd would drop this message whole: 4111 bytes, more than the 4096 systemd reads"),
                model.receive(new Notification(MAIN, Arrays.copyOf(large, 4096), large.length, new int[0]), 0));
        assertEquals(90 * S, model.nextDeadline(), "still starting");
    }

    private static Notification message(int pid, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new Notification(pid, bytes, bytes.length, new int[0]);
    }
}
