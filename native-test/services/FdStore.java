import dev.sdnotify.ListenFd;
import dev.sdnotify.SdNotify;
import dev.sdnotify.SocketActivation;
import java.time.Duration;
import java.util.List;
import sun.misc.Signal;

/**
 * Keeps its listening socket in the fd store under the name "listener": takes it back from
 * SocketActivation.listenFds() when systemd passes it, otherwise creates and stores it. Answers each
 * connection with its pid. On SIGHUP removes the stored socket (FDSTOREREMOVE=1).
 */
public class FdStore {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Svc.begin("fdstore");
        List<ListenFd> passed = SocketActivation.listenFds();
        Svc.log("fdstore: passed " + passed);
        int fd = -1;
        for (ListenFd f : passed) {
            if (f.name().equals("listener")) {
                fd = f.fd();
            }
        }
        String how;
        if (fd >= 0) {
            how = "reused stored fd " + fd;
        } else {
            fd = Svc.listenTcp(port);
            SdNotify.storeFds("listener", fd);
            how = "created and stored fd " + fd;
        }
        Signal.handle(new Signal("HUP"), sig -> {
            SdNotify.removeFds("listener");
            SdNotify.barrier(Duration.ofSeconds(5));
            SdNotify.status("removed the stored listener");
        });
        Svc.serve(fd, "pid " + Svc.LibC.INSTANCE.getpid());
        SdNotify.ready(how);
        Svc.waitForever();
    }
}
