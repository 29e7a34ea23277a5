import dev.sdnotify.ListenFd;
import dev.sdnotify.SdNotify;
import dev.sdnotify.SocketActivation;
import java.util.List;
import java.util.stream.Collectors;

/** Socket activation: answers each connection on each passed fd with that fd's name. */
public class Activated {
    public static void main(String[] args) {
        Svc.begin("activated");
        List<ListenFd> fds = SocketActivation.listenFds();
        for (ListenFd f : fds) {
            Svc.serve(f.fd(), f.name());
        }
        SdNotify.ready("fds " + fds.stream().map(ListenFd::toString).collect(Collectors.joining(" ")));
        Svc.waitForever();
    }
}
