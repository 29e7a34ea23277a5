import dev.sdnotify.SdNotify;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Takes a while to bind its port, then reports READY; answers each connection with "hello". */
public class Readiness {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long delayMillis = Long.parseLong(args[1]);
        Svc.begin("readiness");
        Svc.sleep(delayMillis);
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            // Dependants ordered after this unit connect as soon as systemd sees READY=1.
            SdNotify.ready("listening on 127.0.0.1:" + port);
            while (true) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
    }
}
