package dev.sdnotify.micronaut;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The supervisor's end of the test JVM's {@code NOTIFY_SOCKET} (surefire points it into target/), bound before the
 * application starts. Each message is kept with whether the application's HTTP port accepted a connection as it
 * arrived.
 */
final class NotifySocket implements AutoCloseable {
    /** What the test sends itself to mark the end: every message the application sent before is ahead of it. */
    private static final String END = "end of the test";

    record Message(String text, boolean portOpen) {
    }

    private final int httpPort;
    private final Path path = Path.of(System.getenv("NOTIFY_SOCKET"));
    private final Receiver receiver;
    private final BlockingQueue<Message> untaken = new LinkedBlockingQueue<>();
    private final Thread reader;

    /** Binds the socket; each message arriving is checked against {@code httpPort}, 0 for none. */
    NotifySocket(int httpPort) throws IOException {
        this.httpPort = httpPort;
        Files.deleteIfExists(path);
        receiver = Receiver.bindPath(path);
        reader = new Thread(this::read, "notify-socket");
        reader.start();
    }

    /** A port that nothing listens on now, for the application's HTTP server. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read() {
        while (true) {
            String text = receiver.receiveBlocking(true).text();
            untaken.add(new Message(text, portOpen()));
            if (text.equals(END)) {
                return;
            }
        }
    }

    private boolean portOpen() {
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

    /** The messages not taken yet, up to and including the first that {@code matches}, which must come in time. */
    List<Message> takeUntil(Predicate<String> matches, Duration within) throws InterruptedException {
        List<Message> taken = new ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Message m = untaken.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m == null || m.text().equals(END)) {
                throw new AssertionError("no such message within " + within + "; took " + texts(taken));
            }
            taken.add(m);
            if (matches.test(m.text())) {
                return taken;
            }
        }
    }

    /** The messages not taken yet that arrive within {@code period}. */
    List<String> takeFor(Duration period) throws InterruptedException {
        List<Message> taken = new ArrayList<>();
        long deadline = System.nanoTime() + period.toNanos();
        for (Message m = untaken.poll(period.toNanos(), TimeUnit.NANOSECONDS); m != null;
                m = untaken.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            taken.add(m);
        }
        return texts(taken);
    }

    /** Every message not taken yet: all the application sent before this call; none is read after it. */
    List<String> takeAll() {
        endReader();
        List<String> rest = untaken.stream().map(Message::text).filter(text -> !text.equals(END)).toList();
        untaken.clear();
        return rest;
    }

    private void endReader() {
        if (reader.isAlive()) {
            receiver.inject(END.getBytes(StandardCharsets.UTF_8));
            try {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static List<String> texts(List<Message> messages) {
        return messages.stream().map(Message::text).toList();
    }

    @Override
    public void close() throws IOException {
        endReader();
        receiver.close();
        Files.deleteIfExists(path);
    }
}
