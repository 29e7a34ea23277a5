package dev.sdnotify.agent;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.logging.LogManager;

/**
 * A server that knows nothing of systemd, run by {@link AgentIT} with the agent. Its arguments are steps, in order:
 * <ul>
 *   <li>{@code logmanager}: installs {@link CustomLogManager} as the JVM's log manager the way JBoss LogManager is
 *       installed (the property, then the first use), and prints the manager's class;</li>
 *   <li>{@code sleep:MILLIS};</li>
 *   <li>{@code print:TEXT}: a line on standard output;</li>
 *   <li>{@code listen:PORT}: a listening socket; prints {@code listening NANOTIME};</li>
 *   <li>{@code http:PORT:DOWNFILE}: an HTTP server whose {@code /health} answers 503 while DOWNFILE exists;</li>
 *   <li>{@code deadlock:FILE}: once FILE exists, two threads deadlock;</li>
 *   <li>{@code hook:FILE}: a shutdown hook that writes to FILE the time it starts, in nanoseconds since the epoch;
 *       </li>
 *   <li>{@code wait}: waits until the JVM is stopped.</li>
 * </ul>
 */
public final class TestServer {
    private TestServer() {}

    public static void main(String[] args) throws Exception {
        for (String step : args) {
            String[] a = step.split(":", 3);
            switch (a[0]) {
                case "logmanager":
                    System.setProperty("java.util.logging.manager", CustomLogManager.class.getName());
                    System.out.println("logmanager " + LogManager.getLogManager().getClass().getName());
                    break;
                case "sleep":
                    Thread.sleep(Long.parseLong(a[1]));
                    break;
                case "print":
                    System.out.println(a[1]);
                    break;
                case "listen":
                    ServerSocket s = new ServerSocket(Integer.parseInt(a[1]), 50, InetAddress.getLoopbackAddress());
                    System.out.println("listening " + System.nanoTime());
                    daemon(() -> accept(s));
                    break;
                case "http":
                    Path down = Path.of(a[2]);
                    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            Integer.parseInt(a[1])), 10);
                    http.createContext("/health", e -> {
                        e.sendResponseHeaders(Files.exists(down) ? 503 : 200, -1);
                        e.close();
                    });
                    http.start();
                    break;
                case "deadlock":
                    Path trigger = Path.of(a[1]);
                    daemon(() -> deadlockWhen(trigger));
                    break;
                case "hook":
                    Path file = Path.of(a[1]);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> write(file, epochNanos())));
                    break;
                case "wait":
                    Thread.sleep(Long.MAX_VALUE);
                    break;
                default:
                    throw new IllegalArgumentException(step);
            }
            System.out.flush();
        }
    }

    /** Comparable with the kernel's stamp on a queued datagram: both read {@code CLOCK_REALTIME}. */
    private static String epochNanos() {
        Instant now = Instant.now();
        return Long.toString(now.getEpochSecond() * 1_000_000_000L + now.getNano());
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
    }

    private static void accept(ServerSocket s) {
        try {
            while (true) {
                s.accept().close();
            }
        } catch (IOException e) {
            // closed with the JVM
        }
    }

    private static void deadlockWhen(Path trigger) {
        try {
            while (!Files.exists(trigger)) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            return;
        }
        Object a = new Object();
        Object b = new Object();
        daemon(() -> lockBoth(a, b));
        daemon(() -> lockBoth(b, a));
    }

    private static void lockBoth(Object first, Object second) {
        synchronized (first) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (second) {
                System.out.println("never");
            }
        }
    }

    /** A log manager of the application's own, which must be the one installed. */
    public static final class CustomLogManager extends LogManager {
    }
}
