package dev.sdnotify.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.Backend;
import dev.sdnotify.ListenFd;
import dev.sdnotify.Notifier;
import dev.sdnotify.SdNotifyException;
import dev.sdnotify.internal.core.DaemonNotifier;
import dev.sdnotify.internal.daemon.Backends;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.FdFlags;
import dev.sdnotify.testing.ProcFds;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.ReliabilityReport;
import dev.sdnotify.testing.Resources;
import dev.sdnotify.testing.SpawnedChild;
import dev.sdnotify.testing.TestLibc;
import dev.sdnotify.testing.ThreadWait;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What long use leaves behind: no fds, no threads (heap: HeapGrowthReliabilityTest, in a fresh JVM); and no
 * socket a child process could inherit.
 */
@Tag("reliability")
@ExtendWith(CleanEnvironment.class)
class ResourceHygieneReliabilityTest {
    static final TestLibc C = TestLibc.INSTANCE;
    static final int KEEP_ALIVES = 1_000_000;
    /**
     * Sends before measuring. The Java backend allocates JNA memory per send, and JNA tracks it in a map
     * whose table grows to the most allocations awaiting collection at once and never shrinks: a bounded
     * rise that a long warm-up absorbs, so that what is measured afterwards is growth per send.
     */
    static final int WARM_UP = 100_000;
    /** Beyond this, a run on libsystemd is cut to what fits in it (the Java backend always runs them all). */
    static final double LIBSYSTEMD_BUDGET_SECONDS = 60;
    static final byte[] END = "END".getBytes(StandardCharsets.US_ASCII);

    @TempDir Path dir;

    static void requireBackend(Backend backend) {
        if (backend == Backend.LIBSYSTEMD) {
            Capabilities.requireLibsystemd();
        }
    }

    /**
     * Reads and counts datagrams on its own thread until it reads the end marker that {@link #close()} sends.
     * It stops on the marker, not on a flag: a reader that left on a flag could leave the queue full, and the
     * marker's send would then wait forever.
     */
    static final class Drain implements AutoCloseable {
        final Receiver receiver;
        final AtomicLong count = new AtomicLong();
        final AtomicReference<String> unexpected = new AtomicReference<>();
        final Thread thread;

        Drain(Receiver receiver, String expected) {
            this.receiver = receiver;
            byte[] want = expected.getBytes(StandardCharsets.UTF_8);
            thread = new Thread(() -> {
                while (true) {
                    Receiver.Datagram d = receiver.receiveBlocking(true);
                    if (java.util.Arrays.equals(d.payload(), END)) {
                        return;
                    }
                    if (!java.util.Arrays.equals(d.payload(), want) || !d.fds().isEmpty()) {
                        unexpected.compareAndSet(null, d.toString());
                    }
                    synchronized (count) {
                        count.incrementAndGet();
                        count.notifyAll();
                    }
                }
            }, "hygiene-drain");
            thread.start();
        }

        /** Returns once {@code n} datagrams arrived, told by the drain thread, or after 30 s. */
        void awaitCount(long n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            synchronized (count) {
                for (long left = deadline - System.nanoTime(); count.get() < n && left > 0;
                        left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(count, left);
                }
            }
        }

        @Override
        public void close() {
            receiver.inject(END);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void aMillionKeepAlivesLeaveFdsAndHeapAsTheyWere(Backend backend) throws Exception {
        requireBackend(backend);
        String id = "keepalive." + backend.id();
        Notifier notifier = Notifier.withBackend(backend);
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            CEnv.set("NOTIFY_SOCKET", receiver.address());
            Resources before;
            Resources after;
            long sent = 0;
            double seconds;
            try (Drain drain = new Drain(receiver, "WATCHDOG=1")) {
                long warmStart = System.nanoTime();
                for (int i = 0; i < WARM_UP; i++) {
                    assertTrue(notifier.watchdog());
                }
                drain.awaitCount(WARM_UP);
                double warmRate = WARM_UP / ((System.nanoTime() - warmStart) / 1e9);
                int count = KEEP_ALIVES;
                if (backend == Backend.LIBSYSTEMD && KEEP_ALIVES / warmRate > LIBSYSTEMD_BUDGET_SECONDS) {
                    count = (int) (warmRate * LIBSYSTEMD_BUDGET_SECONDS);
                    ReliabilityReport.figure(id + ".shortened", String.format(
                            "%.0f keep-alives per second would take %.0f s for %d; running %d",
                            warmRate, KEEP_ALIVES / warmRate, KEEP_ALIVES, count));
                }
                before = Resources.measure();
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    if (notifier.watchdog()) {
                        sent++;
                    }
                }
                drain.awaitCount(WARM_UP + sent);
                seconds = (System.nanoTime() - start) / 1e9;
                assertEquals(null, drain.unexpected.get(), "only keep-alives arrive");
                assertEquals(WARM_UP + count, drain.count.get(), "keep-alives received");
                assertEquals(count, sent, "keep-alives sent");
                after = Resources.measure();
            }
            ReliabilityReport.figure(id + ".sent", sent);
            ReliabilityReport.figure(id + ".seconds", String.format("%.1f", seconds));
            ReliabilityReport.figure(id + ".perSecond", String.format("%.0f", sent / seconds));
            ReliabilityReport.figure(id + ".fdsBefore", before.fds());
            ReliabilityReport.figure(id + ".fdsAfter", after.fds());
            ReliabilityReport.figure(id + ".heapBefore", Resources.mib(before.heapUsed()));
            ReliabilityReport.figure(id + ".heapAfter", Resources.mib(after.heapUsed()));
            ReliabilityReport.figure(id + ".liveHeap", after.growthSince(before));
            assertEquals(before.fds(), after.fds(), "open fds");
            // Heap growth is measured in a fresh JVM, where no other test's garbage counts: HeapGrowthReliabilityTest.
        }
    }

    /**
     * Every operation, repeatedly, from this thread alone (the receiver is drained in between): no thread
     * may appear, not even one that ends again before the check.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void noThreadIsStarted(Backend backend) throws Exception {
        requireBackend(backend);
        ChosenBackend info = Backends.choose(backend);
        Notifier notifier = DaemonNotifier.over(info);
        int[] pipe = new int[2];
        assertEquals(0, C.pipe(pipe));
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            CEnv.set("NOTIFY_SOCKET", receiver.address());
            everyOperation(info, notifier, receiver, pipe, 10);
            Resources before = Resources.measure();
            everyOperation(info, notifier, receiver, pipe, 2_000);
            Resources after = Resources.measure();
            String id = "threads." + backend.id();
            ReliabilityReport.figure(id + ".startedDuringSends", after.threadsStarted() - before.threadsStarted());
            ReliabilityReport.figure(id + ".live", before.threadNames().size() + " before, "
                    + after.threadNames().size() + " after");
            // Another's thread may end meanwhile (an idle pool worker times out); none may be new.
            List<String> appeared = new ArrayList<>(after.threadNames());
            appeared.removeAll(before.threadNames());
            assertEquals(List.of(), appeared, "threads alive after the sends that were not before");
            assertEquals(before.threadsStarted(), after.threadsStarted(), "threads started during the sends");
        } finally {
            C.close(pipe[0]);
            C.close(pipe[1]);
        }
    }

    private void everyOperation(ChosenBackend info, Notifier notifier, Receiver receiver, int[] pipe, int rounds) {
        FdFlags flags = FdFlags.save();
        try {
            for (int i = 0; i < rounds; i++) {
                assertTrue(notifier.ready("round " + i));
                assertTrue(notifier.watchdog());
                assertTrue(notifier.sendRaw("X=" + i));
                assertTrue(notifier.storeFds("pipe", pipe[0], pipe[1]));
                assertTrue(notifier.sendAsPid(C.getpid(), dev.sdnotify.NotifyState.STOPPING));
                assertTrue(notifier.reloading());
                try {
                    notifier.barrier(Duration.ZERO);
                } catch (SdNotifyException e) {
                    assertEquals("ETIMEDOUT", e.errnoName());
                }
                CEnv.set("WATCHDOG_USEC", "1000000");
                assertTrue(watchdogInterval(DaemonNotifier.over(info), false).isPresent());
                CEnv.set("LISTEN_PID", Integer.toString(C.getpid()));
                CEnv.set("LISTEN_FDS", "1");
                assertEquals(1, listenFds(DaemonNotifier.over(info), true).size());
                assertEquals(7, receiver.drain().size());
            }
        } finally {
            flags.restore();
        }
    }

    /**
     * A child spawned while a send is in progress inherits no socket: the sender is blocked in sendmsg
     * (the receiver's queue is full), so its socket is certainly open when the child starts. posix_spawn
     * keeps every fd that is not close-on-exec, unlike {@link ProcessBuilder}.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void aChildSpawnedDuringASendInheritsNoSocket(Backend backend) throws Exception {
        requireBackend(backend);
        String id = "cloexec." + backend.id();
        Notifier notifier = Notifier.withBackend(backend);
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            CEnv.set("NOTIFY_SOCKET", receiver.address());
            // One send first, so a socket the backend keeps is open before the idle count; any socket the send
            // left open must be close-on-exec.
            Map<Integer, String> beforeFirstSend = ProcFds.open();
            assertTrue(notifier.watchdog());
            receiver.drain();
            for (Map.Entry<Integer, String> fd : ProcFds.open().entrySet()) {
                if (fd.getValue().startsWith("socket:") && !fd.getValue().equals(beforeFirstSend.get(fd.getKey()))) {
                    int flags = TestLibc.INSTANCE.fcntl(fd.getKey(), 1, 0);
                    assertEquals(1, flags & 1, "the socket the library keeps, fd " + fd.getKey() + ", is close-on-exec");
                }
            }
            // What a child inherits with no send in flight: the JVM's own (NIO keeps one end of a socketpair
            // open without close-on-exec, made whenever the JVM first needs it).
            List<String> baseline = sockets(SpawnedChild.inheritedFds(dir.resolve("baseline.txt")));
            long socketsIdle = ProcFds.sockets();
            // Nobody reads: the queue is filled with keep-alives, so the sender's next send waits inside sendmsg.
            long last = 0;
            try {
                for (Notifier filling = notifier.withSendTimeout(Duration.ofMillis(100)); ; last++) {
                    filling.watchdog();
                }
            } catch (SdNotifyException e) {
                assertEquals(11, e.errno(), e.getMessage());
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            CompletableFuture<Integer> senderTid = new CompletableFuture<>();
            Thread sender = new Thread(() -> {
                senderTid.complete(TestLibc.INSTANCE.gettid());
                try {
                    while (!stop.get()) {
                        notifier.watchdog();
                        sent.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "cloexec-sender");
            sender.start();
            ThreadWait.untilInSendmsg(senderTid.get(10, TimeUnit.SECONDS), 10_000);
            long socketsBlocked = ProcFds.sockets();
            Map<Integer, String> blockedChild = SpawnedChild.inheritedFds(dir.resolve("blocked.txt"));

            // Then while sends stream through a drained queue, many children.
            int children = 0;
            List<String> inherited = new ArrayList<>(sockets(blockedChild));
            inherited.removeAll(baseline);
            try (Drain drain = new Drain(receiver, "WATCHDOG=1")) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < until) {
                    List<String> found = sockets(SpawnedChild.inheritedFds(dir.resolve("child" + children + ".txt")));
                    found.removeAll(baseline);
                    inherited.addAll(found);
                    children++;
                }
                stop.set(true);
                sender.join(10_000);
                assertEquals(null, drain.unexpected.get(), "only keep-alives arrive");
            }
            ReliabilityReport.figure(id + ".sendsBeforeBlocking", last);
            ReliabilityReport.figure(id + ".socketsOpenIdleVsBlockedSend", socketsIdle + " vs " + socketsBlocked);
            ReliabilityReport.figure(id + ".socketsInheritedBeforeTheNotifier", baseline);
            ReliabilityReport.figure(id + ".childFdsWhileBlocked", blockedChild.size() + " fds, sockets "
                    + sockets(blockedChild));
            ReliabilityReport.figure(id + ".childrenDuringSends", children);
            ReliabilityReport.figure(id + ".sendsDuringChildren", sent.get());
            ReliabilityReport.figure(id + ".socketsInherited", inherited.size());
            assertEquals(null, failed.get(), "the sender failed");
            assertTrue(last > 0, "the sender never blocked");
            // libsystemd opens a socket per message, so one more is open while a send waits; the java backend
            // keeps one open from its first send on, so the idle count already holds it.
            if (backend == Backend.LIBSYSTEMD) {
                assertTrue(socketsBlocked > socketsIdle, "a socket is open while the send waits");
            } else {
                assertEquals(socketsIdle, socketsBlocked, "the java backend sends through the socket it keeps");
            }
            assertEquals(List.of(), inherited.subList(0, Math.min(5, inherited.size())),
                    inherited.size() + " sockets spawned children inherited, beyond " + baseline);
            assertTrue(children > 1);
            assertFalse(sender.isAlive());
        }
    }

    static List<String> sockets(Map<Integer, String> fds) {
        List<String> out = new ArrayList<>();
        fds.forEach((fd, target) -> {
            if (target.startsWith("socket:")) {
                out.add(fd + " -> " + target);
            }
        });
        return out;
    }

    /** The check above can fail: a socket opened without SOCK_CLOEXEC shows up in the child. */
    @Test
    void anInheritableSocketIsDetected() throws IOException {
        List<String> baseline = sockets(SpawnedChild.inheritedFds(dir.resolve("baseline.txt")));
        int fd = C.socket(TestLibc.AF_UNIX, TestLibc.SOCK_DGRAM, 0);
        assertTrue(fd >= 0, "socket");
        try {
            String target = Receiver.describeFd(fd);
            List<String> found = sockets(SpawnedChild.inheritedFds(dir.resolve("canary.txt")));
            found.removeAll(baseline);
            ReliabilityReport.figure("cloexec.canary", "socket " + target + " opened without SOCK_CLOEXEC as fd "
                    + fd + "; the child inherited " + found);
            assertEquals(List.of(fd + " -> " + target), found);
        } finally {
            C.close(fd);
        }
    }

    private static java.util.Optional<java.time.Duration> watchdogInterval(Notifier n, boolean unset) {
        return unset ? n.watchdogIntervalAndUnsetEnvironment() : n.watchdogInterval();
    }

    private static java.util.List<ListenFd> listenFds(Notifier n, boolean unset) {
        return unset ? n.listenFdsAndUnsetEnvironment() : n.listenFds();
    }
}
