import com.sun.net.httpserver.HttpServer;
import dev.sdnotify.SdNotify;
import dev.sdnotify.Watchdog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The README's quick start as a whole program: an HTTP server that tells its supervisor when it can serve, and
 * keeps its watchdog fed while it can. Its one argument is the port (8080; 0 for any free one).
 */
public class QuickStart {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(args.length > 0 ? Integer.parseInt(args[0]) : 8080), 0);
        server.createContext("/", exchange -> {
            byte[] body = "hello\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();                                                       // the listening socket exists now
        SdNotify.ready("Serving on :" + server.getAddress().getPort());       // READY=1 + STATUS=...
        Watchdog.start(() -> answers(server.getAddress().getPort()));         // WATCHDOG=1 only while healthy
    }

    /** Whether the server still accepts a connection: the health the keep-alives stand for. */
    static boolean answers(int port) throws java.io.IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        }
    }
}
