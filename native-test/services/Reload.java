import dev.sdnotify.SdNotify;
import sun.misc.Signal;

/**
 * Reloads on SIGHUP: RELOADING=1 (with MONOTONIC_USEC) and a status saying so, a reload that takes the
 * given milliseconds, then READY=1 with a status counting the reloads.
 */
public class Reload {
    public static void main(String[] args) {
        long reloadMillis = Long.parseLong(args[0]);
        Svc.begin("reload");
        int[] reloads = {0};
        Signal.handle(new Signal("HUP"), sig -> {
            SdNotify.reloading();
            // Tells ExecReload= that RELOADING=1 was sent before this (the manager reads them in order).
            SdNotify.status("reloading " + (reloads[0] + 1));
            Svc.sleep(reloadMillis);
            reloads[0]++;
            SdNotify.ready("reloaded " + reloads[0]);
        });
        SdNotify.ready("reloaded 0");
        Svc.waitForever();
    }
}
