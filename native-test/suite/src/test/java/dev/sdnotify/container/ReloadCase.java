package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.expectBackend;
import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;

/**
 * Reload: RELOADING=1 puts the unit in "reloading" until READY=1. With ExecReload= on a Type=notify unit up to
 * 257; from 253 also Type=notify-reload, whose reload the manager starts with SIGHUP and which needs no
 * ExecReload=. From 258 (262 is the one run; 258 to 261 are held to it) the Type=notify reload ends when
 * ExecReload= exits, even after RELOADING=1: only Type=notify-reload waits for READY=1.
 */
@ContainerCase("reload")
@Order(7)
class ReloadCase {
    @OnEachBackend
    void reloadingUntilReady(Backend backend, CaseLog log) throws InterruptedException {
        int systemd = ContainerCases.suite().systemd();
        Unit execReload = unit("sdn-reload@", backend);
        String note = systemd <= 257 ? reloadHeldUntilReady(execReload, backend)
                : reloadEndsWithExecReload(execReload, backend, systemd);
        Unit signal = unit("sdn-reload-signal@", backend);
        if (systemd >= 253) {
            // The signal is the manager's, and no ExecReload= ends the job early.
            signal.expectProp("Type", "notify-reload");
            signal.expectProp("ExecReload", "");
            log.note("ExecReload=: " + note + "; Type=notify-reload: " + reloadHeldUntilReady(signal, backend));
        } else {
            // No Type=notify-reload before 253: the line is ignored, the unit is simple.
            signal.expectProp("Type", "simple");
            log.note("ExecReload=: " + note + "; Type=notify-reload unknown to " + systemd + " (Type=simple)");
        }
    }

    /**
     * systemctl reload returns after the 1 s reload, with READY=1 in, and ActiveState went through
     * reloading. Returns the states seen and how long the reload took.
     */
    private static String reloadHeldUntilReady(Unit service, Backend backend) throws InterruptedException {
        service.start();
        service.expectProp("StatusText", "reloaded 0");
        long t0 = System.nanoTime();
        Process reload = Cases.container().start("systemctl", "reload", service.name());
        Set<String> states = new LinkedHashSet<>();
        boolean seen = false;
        while (reload.isAlive() || !seen) {
            String state = service.prop("ActiveState");
            states.add(state);
            seen |= state.equals("reloading");
            if ((System.nanoTime() - t0) / 1_000_000 >= 5000 || (state.equals("active") && seen)) {
                break;
            }
            Thread.sleep(50);
        }
        if (!reload.waitFor(60, TimeUnit.SECONDS)) {
            reload.destroyForcibly();
            throw new AssertionError("systemctl reload " + service + " still running after 60 s");
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (reload.exitValue() != 0) {
            throw new AssertionError("systemctl reload " + service + " failed (" + reload.exitValue() + ")");
        }
        if (!seen) {
            throw new AssertionError(service + " never reported ActiveState=reloading (saw: " + String.join(" ", states) + ")");
        }
        // systemctl reload returns once the reload job is done: READY=1 must have arrived by then.
        service.expectProp("ActiveState", "active");
        service.expectProp("StatusText", "reloaded 1");
        if (ms < 1000) {
            throw new AssertionError("systemctl reload " + service + " returned after " + ms + " ms, before the 1 s reload ended");
        }
        expectBackend(service, backend);
        service.stop();
        return "states seen: " + String.join(" ", states) + "; systemctl reload returned after " + ms + " ms";
    }

    /**
     * systemctl reload returns while the service still reloads (ExecReload= waited for its "reloading 1";
     * READY=1 comes a second later), the unit active, not reloading; READY=1 then arrives, the pid unchanged.
     */
    private static String reloadEndsWithExecReload(Unit service, Backend backend, int systemd) {
        service.start();
        service.expectProp("StatusText", "reloaded 0");
        String pid = service.prop("MainPID");
        long t0 = System.nanoTime();
        service.reload();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        service.expectProp("StatusText", "reloading 1");
        service.expectProp("ActiveState", "active");
        service.awaitProp("StatusText", "reloaded 1", seconds(10));
        service.expectProp("ActiveState", "active");
        service.expectProp("MainPID", pid);
        expectBackend(service, backend);
        service.stop();
        return "systemctl reload returned after " + ms + " ms, when ExecReload= exited, before READY=1 (systemd " + systemd + ")";
    }
}
