package dev.sdnotify.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.Backend;
import dev.sdnotify.Notifier;
import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.ReliabilityReport;
import dev.sdnotify.testing.Resources;
import dev.sdnotify.testing.TestLibc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Eight threads share one notifier and send 50,000 numbered messages each while one thread reads them.
 * The receive queue holds only {@code net.unix.max_dgram_qlen} datagrams (10 by default), so senders block
 * often. Every message must arrive exactly once, intact, with this process's credentials; nothing may be
 * thrown, and fds must end where they started (heap: HeapGrowthReliabilityTest, in a fresh JVM).
 */
@Tag("reliability")
@ExtendWith(CleanEnvironment.class)
class ConcurrencyReliabilityTest {
    static final int THREADS = 8;
    static final int MESSAGES = 50_000;
    static final Pattern MESSAGE = Pattern.compile("STATUS=t([0-9]+)-([0-9]+)");
    static final byte[] END = "END".getBytes(StandardCharsets.US_ASCII);

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void everyMessageArrivesOnceIntactAndAttributed(Backend backend) throws Exception {
        if (backend == Backend.LIBSYSTEMD) {
            Capabilities.requireLibsystemd();
        }
        String id = "concurrency." + backend.id();
        Notifier notifier = Notifier.withBackend(backend);
        BitSet[] seen = new BitSet[THREADS];
        for (int t = 0; t < THREADS; t++) {
            seen[t] = new BitSet(MESSAGES);
        }
        int ownPid = TestLibc.INSTANCE.getpid();
        int ownUid = TestLibc.INSTANCE.getuid();
        int ownGid = TestLibc.INSTANCE.getgid();
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            CEnv.set("NOTIFY_SOCKET", receiver.address());
            // One message first: classes, JNA and whatever the backend keeps are in place before measuring.
            assertTrue(notifier.status("warm-up"));
            assertEquals(1, receiver.drain().size());
            Resources before = Resources.measure();

            ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
            AtomicLong received = new AtomicLong();
            AtomicLong duplicates = new AtomicLong();
            long expected = (long) THREADS * MESSAGES;
            Thread reader = new Thread(() -> {
                while (received.get() < expected) {
                    Receiver.Datagram d = receiver.receiveBlocking(true);
                    String text = new String(d.payload(), StandardCharsets.UTF_8);
                    if (text.equals("END")) {
                        return;
                    }
                    Matcher m = MESSAGE.matcher(text);
                    if (!m.matches() || d.pid() != ownPid || d.uid() != ownUid || d.gid() != ownGid
                            || !d.fds().isEmpty() || d.truncated()) {
                        bad.add(d.toString());
                        continue;
                    }
                    int thread = Integer.parseInt(m.group(1));
                    int seq = Integer.parseInt(m.group(2));
                    if (thread >= THREADS || seq >= MESSAGES) {
                        bad.add(d.toString());
                        continue;
                    }
                    if (seen[thread].get(seq)) {
                        duplicates.incrementAndGet();
                    }
                    seen[thread].set(seq);
                    received.incrementAndGet();
                }
            }, "concurrency-reader");
            reader.start();

            CountDownLatch go = new CountDownLatch(1);
            AtomicLong sent = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Thread sender = new Thread(() -> {
                    try {
                        go.await();
                        for (int seq = 0; seq < MESSAGES; seq++) {
                            if (notifier.status("t" + thread + "-" + seq)) {
                                sent.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        thrown.add(e);
                    }
                }, "concurrency-sender-" + t);
                senders.add(sender);
                sender.start();
            }
            long start = System.nanoTime();
            go.countDown();
            for (Thread s : senders) {
                s.join(TimeUnit.MINUTES.toMillis(5));
            }
            reader.join(TimeUnit.SECONDS.toMillis(30));
            if (reader.isAlive()) {
                // Messages are missing: wake the reader so the test can report how many.
                receiver.inject(END);
                reader.join(TimeUnit.SECONDS.toMillis(10));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            CEnv.unset("NOTIFY_SOCKET");
            Resources after = Resources.measure();

            ReliabilityReport.figure(id + ".messagesSent", sent.get());
            ReliabilityReport.figure(id + ".messagesReceived", received.get());
            ReliabilityReport.figure(id + ".duplicates", duplicates.get());
            ReliabilityReport.figure(id + ".malformed", bad.size());
            ReliabilityReport.figure(id + ".exceptions", thrown.size());
            ReliabilityReport.figure(id + ".seconds", String.format("%.1f", seconds));
            ReliabilityReport.figure(id + ".messagesPerSecond", String.format("%.0f", received.get() / seconds));
            ReliabilityReport.figure(id + ".fdsBefore", before.fds());
            ReliabilityReport.figure(id + ".fdsAfter", after.fds());
            ReliabilityReport.figure(id + ".heapBefore", Resources.mib(before.heapUsed()));
            ReliabilityReport.figure(id + ".heapAfter", Resources.mib(after.heapUsed()));
            ReliabilityReport.figure(id + ".liveHeap", after.growthSince(before));

            assertTrue(thrown.isEmpty(), "senders threw: " + thrown);
            assertTrue(bad.isEmpty(), bad.size() + " malformed or misattributed, e.g. " + bad.peek());
            assertEquals(0, duplicates.get(), "messages received twice");
            assertEquals(expected, sent.get(), "sends that returned true");
            int missing = 0;
            String firstMissing = null;
            for (int t = 0; t < THREADS; t++) {
                int gaps = MESSAGES - seen[t].cardinality();
                if (gaps > 0 && firstMissing == null) {
                    firstMissing = "t" + t + "-" + seen[t].nextClearBit(0);
                }
                missing += gaps;
            }
            assertEquals(0, missing, "messages never received, first " + firstMissing);
            assertEquals(expected, received.get());
            assertEquals(before.fds(), after.fds(), "open fds before and after");
            // Heap growth is measured in a fresh JVM: HeapGrowthReliabilityTest.
        }
    }
}
