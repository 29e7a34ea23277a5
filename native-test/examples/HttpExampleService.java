import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sdnotify.FdChannels;
import dev.sdnotify.ListenFd;
import dev.sdnotify.NotifyState;
import dev.sdnotify.SdNotify;
import dev.sdnotify.SocketActivation;
import dev.sdnotify.Watchdog;
import dev.sdnotify.WatchdogKeeper;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * An HTTP service on the JDK's own {@link HttpServer}, written the way systemd expects:
 * <ul>
 *   <li>takes its listening socket from the fd store or socket activation when one is passed (the one
 *       named {@code http}, else the first), or binds {@code 127.0.0.1:<port>} (first argument, default
 *       8080);</li>
 *   <li>sends READY=1 with a status only once the socket exists, then stores the socket in the fd store so
 *       a restart keeps it (no refused connections across a restart, given FileDescriptorStoreMax=1);</li>
 *   <li>feeds the watchdog only while a real request to its own {@code /health} succeeds;</li>
 *   <li>reloads its greeting from {@code $GREETING_FILE} on SIGHUP, with RELOADING=1 ... READY=1;</li>
 *   <li>sends STOPPING=1 when asked to stop.</li>
 * </ul>
 *
 * <p>Run with {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} (channels for passed fds) and
 * {@code --add-opens jdk.httpserver/sun.net.httpserver=ALL-UNNAMED}: HttpServer has no way to be given a
 * listening socket, so {@link #adopt} swaps it in. Servers that accept a channel need only the first flag.
 */
public final class HttpExampleService {
    private static final String SOCKET_NAME = "http";

    private static volatile String greeting = "hello";

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        HttpServer server = HttpServer.create();
        List<ListenFd> fds = SocketActivation.listenFds();
        Optional<ListenFd> passed = fds.stream().filter(fd -> fd.name().equals(SOCKET_NAME)).findFirst()
                .or(() -> fds.stream().findFirst());
        String origin;
        if (passed.isPresent()) {
            adopt(server, FdChannels.serverSocketChannel(passed.get().fd()));
            origin = "passed by systemd";
        } else {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            origin = "bound";
        }
        reloadGreeting();
        server.createContext("/", HttpExampleService::greet);
        server.createContext("/health", exchange -> respond(exchange, 200, "ok\n"));
        server.start();
        InetSocketAddress address = server.getAddress();
        // Before READY: from then on the manager may send SIGHUP, whose default action ends the JVM.
        Signal.handle(new Signal("HUP"), signal -> reload());

        // READY only now: dependants may connect the moment systemd sees it.
        SdNotify.ready("Serving on " + address + " (socket " + origin + ", backend "
                + SdNotify.backend().backend().id() + ")");
        if (passed.isEmpty()) {
            // A passed socket is already the manager's; store only one this process made.
            SdNotify.storeFds(SOCKET_NAME, FdChannels.fdOf(channelOf(server)));
        }

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI health = URI.create("http://" + address.getHostString() + ":" + address.getPort() + "/health");
        WatchdogKeeper keeper = Watchdog.start(() -> isHealthy(client, health));

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            SdNotify.stopping();
            keeper.close();
            server.stop(1);
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    private static boolean isHealthy(HttpClient client, URI health) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    private static void reload() {
        SdNotify.reloading();
        try {
            reloadGreeting();
            SdNotify.ready("Reloaded; greeting is now \"" + greeting + "\"");
        } catch (IOException | RuntimeException e) {
            // The old greeting stays; the manager learns the reload failed and why.
            SdNotify.send(NotifyState.READY, NotifyState.status("Reload failed: " + e));
        }
    }

    private static void reloadGreeting() throws IOException {
        String file = System.getenv("GREETING_FILE");
        if (file != null && Files.exists(Path.of(file))) {
            greeting = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        }
    }

    private static void greet(HttpExchange exchange) throws IOException {
        respond(exchange, 200, greeting + "\n");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Puts {@code channel} in place of the unbound server's own, before {@code start()}. */
    static void adopt(HttpServer server, ServerSocketChannel channel) throws IOException, ReflectiveOperationException {
        Object impl = field(server, "server");
        ((SelectionKey) field(impl, "listenerKey")).cancel();
        ((ServerSocketChannel) field(impl, "schan")).close();
        channel.configureBlocking(false);
        set(impl, "schan", channel);
        set(impl, "listenerKey", channel.register((Selector) field(impl, "selector"), SelectionKey.OP_ACCEPT));
        set(impl, "bound", true);
    }

    static ServerSocketChannel channelOf(HttpServer server) throws ReflectiveOperationException {
        return (ServerSocketChannel) field(field(server, "server"), "schan");
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }

    private static void set(Object target, String name, Object value) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        f.set(target, value);
    }

    private HttpExampleService() {}
}
