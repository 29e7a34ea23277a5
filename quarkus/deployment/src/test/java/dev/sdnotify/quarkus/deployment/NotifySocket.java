package dev.sdnotify.quarkus.deployment;

import dev.sdnotify.testing.Receiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The supervisor's end of the test JVM's {@code NOTIFY_SOCKET} (surefire points it into target/), bound before the
 * application starts: register it ahead of the {@code QuarkusUnitTest}. Each message arrives as an entry of its text
 * and whether the application's HTTP port accepted a connection just then. Test methods take the messages not yet taken as a
 * {@code BlockingQueue<Map.Entry<String, Boolean>>} parameter: JDK types only, since QuarkusUnitTest runs them in the
 * application's class loader, where this class (and its static fields) are other ones: add it and {@link Messages}
 * to the application.
 */
final class NotifySocket implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    /** What the test injects to end the reader. */
    private static final String END = "end of the test";

    private final int httpPort;
    private final BlockingQueue<Map.Entry<String, Boolean>> untaken = new LinkedBlockingQueue<>();
    private final List<Map.Entry<String, Boolean>> received = new ArrayList<>();
    private Path path;
    private Receiver receiver;
    private Thread reader;

    /** A socket that tries {@code httpPort} as each message arrives; 0 for none. */
    NotifySocket(int httpPort) {
        this.httpPort = httpPort;
    }

    /** A port that nothing listens on now, for the application's HTTP server. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        path = Path.of(System.getenv("NOTIFY_SOCKET"));
        Files.deleteIfExists(path);
        receiver = Receiver.bindPath(path);
        reader = new Thread(this::read, "notify-socket");
        reader.start();
    }

    private void read() {
        for (String text = receiver.receiveBlocking(true).text(); !text.equals(END);
                text = receiver.receiveBlocking(true).text()) {
            Map.Entry<String, Boolean> message = Map.entry(text, httpPortAccepts());
            synchronized (received) {
                received.add(message);
                received.notifyAll();
            }
            untaken.add(message);
        }
    }

    private boolean httpPortAccepts() {
        if (httpPort == 0) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("localhost", httpPort), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first message received that {@code matches}, waiting for it at most {@code within}. */
    Map.Entry<String, Boolean> awaitReceived(Predicate<String> matches, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (received) {
            while (true) {
                for (Map.Entry<String, Boolean> m : received) {
                    if (matches.test(m.getKey())) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such message within " + within + "; received " + received);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(received, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Every message received so far, in order. */
    List<String> texts() {
        synchronized (received) {
            return received.stream().map(Map.Entry::getKey).toList();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        receiver.inject(END.getBytes(StandardCharsets.UTF_8));
        reader.join(TimeUnit.SECONDS.toMillis(10));
        receiver.close();
        Files.deleteIfExists(path);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BlockingQueue.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return untaken;
    }
}
