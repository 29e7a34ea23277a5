package dev.sdnotify.localsupervisor;

import dev.sdnotify.FdChannels;
import dev.sdnotify.ListenFd;
import dev.sdnotify.Notifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A service as a user would write one, run by the tests under the supervisor: it talks to it only through the
 * library. Where a test must act at a given point (connect, see a timeout), the service waits for a line on its
 * stdin, which the test writes once it has seen what it waited for.
 */
public final class TryService {
    private TryService() {
    }

    public static void main(String[] args) throws Exception {
        Notifier notifier = Notifier.fromEnvironment();
        switch (args[0]) {
            case "ready" -> {
                System.out.println("hello on stdout");
                notifier.status("Starting");
                notifier.ready("Serving");
                System.exit(args.length > 1 ? Integer.parseInt(args[1]) : 0);
            }
            case "keep-alives" -> {
                Duration interval = notifier.watchdogInterval().orElseThrow();
                notifier.ready("watchdog every " + interval);
                for (int i = 0; i < 8; i++) {
                    Thread.sleep(interval.toMillis() / 4);
                    notifier.watchdog();
                }
                notifier.status("keep-alives stop");
                awaitLine();
            }
            case "slow-start" -> {
                if (args.length > 1) {
                    notifier.extendTimeout(Duration.parse(args[1]));
                }
                notifier.status("Starting slowly");
                awaitLine();
            }
            case "listen" -> {
                List<ListenFd> fds = notifier.listenFds();
                try (ServerSocketChannel server = fds.get(0).serverSocketChannel()) {
                    notifier.ready("accepting on fd " + fds.get(0).fd() + " named " + fds.get(0).name());
                    try (SocketChannel client = server.accept()) {
                        client.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)));
                    }
                }
            }
            case "store-fd" -> {
                try (ServerSocketChannel kept = ServerSocketChannel.open()) {
                    notifier.storeFds("kept", FdChannels.fdOf(kept));
                    notifier.status("barrier " + (notifier.barrier(Duration.ofSeconds(30)) ? "passed" : "failed"));
                }
            }
            case "stop-on-term" -> {
                Runtime.getRuntime().addShutdownHook(new Thread(notifier::stopping));
                notifier.ready("until SIGTERM");
                awaitLine();
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Returns at the first newline on stdin, or at its end. */
    private static void awaitLine() throws IOException {
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
