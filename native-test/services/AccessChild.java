import dev.sdnotify.NotifyState;
import dev.sdnotify.Notifier;
import dev.sdnotify.SdNotify;
import java.time.Duration;

/**
 * A child of the main process: sends STATUS from its own pid (NotifyAccess=main ignores it) and waits until
 * the manager processed it, then, once the harness creates the gate file, sends STATUS with the main
 * process's pid in its credentials (root may).
 */
public class AccessChild {
    public static void main(String[] args) {
        long mainPid = Long.parseLong(args[0]);
        String gate = args[1];
        Svc.begin("access-child");
        SdNotify.status("from the child's own pid");
        SdNotify.barrier(Duration.ofSeconds(5));
        Svc.log("access-child: own-pid status processed");
        Svc.awaitFile(gate, 20_000);
        Notifier.fromEnvironment().sendAsPid(mainPid, NotifyState.status("from the child as the main pid"));
        SdNotify.barrier(Duration.ofSeconds(5));
        Svc.log("access-child: status as main pid processed");
    }
}
