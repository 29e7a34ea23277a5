import dev.sdnotify.SdNotify;

/**
 * Starts children through libc's system(), which passes the C environment: one before and one after
 * READY=1 is sent with NOTIFY_SOCKET unset (the harness creates the gate file in between). Each child
 * prints what it sees and tries systemd-notify --status.
 */
public class UnsetEnv {
    private static final String CHILD = "echo \"child %s: NOTIFY_SOCKET=${NOTIFY_SOCKET:-<unset>}\"; "
            + "systemd-notify --status='set by the child %s' 2>&1; echo \"child %s: systemd-notify exit $?\"";

    public static void main(String[] args) {
        String gate = args[0];
        Svc.begin("unset-env");
        run("before");
        // The harness checks that the first child's status arrived before letting the service go on.
        Svc.awaitFile(gate, 20_000);
        SdNotify.sendRawAndUnsetEnvironment("READY=1\nSTATUS=ready, NOTIFY_SOCKET unset");
        run("after");
        Svc.log("unset-env: children done; library sees a supervisor: " + SdNotify.isAvailable());
        Svc.waitForever();
    }

    private static void run(String phase) {
        int r = Svc.LibC.INSTANCE.system(String.format(CHILD, phase, phase, phase));
        Svc.log("unset-env: system() returned " + r + " for the child " + phase);
    }
}
