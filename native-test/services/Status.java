import dev.sdnotify.SdNotify;

/** Reports READY, then a status line given as arguments (UTF-8), and waits. */
public class Status {
    public static void main(String[] args) {
        Svc.begin("status");
        SdNotify.ready("starting");
        SdNotify.status(String.join(" ", args));
        Svc.waitForever();
    }
}
