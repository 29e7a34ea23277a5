package dev.sdnotify.lifecycle;

import dev.sdnotify.ListenFd;
import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.SdNotifyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A supervisor in memory: every message sent, as its wire text, and the send timeout it was sent with. */
final class RecordingNotifier implements Notifier {
    final List<String> messages;
    final List<Duration> timeouts;
    /** Calls of {@link #ready(String)}, which also signals a readiness fd, unlike {@code send(READY)}. */
    final AtomicInteger readyCalls;
    private final Duration timeout;
    volatile Duration watchdog;
    volatile RuntimeException failure;
    /** When set, each send waits for it first: a supervisor slow to take messages. Shared by every copy. */
    final AtomicReference<CountDownLatch> gate;
    /** When set, {@link #isAvailable()} (the lifecycle's first load) waits for it. Shared by every copy. */
    final AtomicReference<CountDownLatch> loadGate;

    RecordingNotifier() {
        this(new ArrayList<>(), new ArrayList<>(), new AtomicInteger(), new AtomicReference<>(),
                new AtomicReference<>(), null);
    }

    private RecordingNotifier(List<String> messages, List<Duration> timeouts, AtomicInteger readyCalls,
            AtomicReference<CountDownLatch> gate, AtomicReference<CountDownLatch> loadGate, Duration timeout) {
        this.gate = gate;
        this.loadGate = loadGate;
        this.messages = messages;
        this.timeouts = timeouts;
        this.readyCalls = readyCalls;
        this.timeout = timeout;
    }

    /** The messages so far. */
    List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    @Override
    public Notifier withSendTimeout(Duration t) {
        RecordingNotifier n = new RecordingNotifier(messages, timeouts, readyCalls, gate, loadGate, t);
        n.watchdog = watchdog;
        n.failure = failure;
        return n;
    }

    @Override
    public boolean send(NotifyState state, NotifyState... more) {
        if (failure != null) {
            throw failure;
        }
        pass(gate);
        synchronized (messages) {
            messages.add(Stream.concat(Stream.of(state), Stream.of(more)).map(NotifyState::toString)
                    .collect(Collectors.joining("\n")));
            timeouts.add(timeout);
        }
        return true;
    }

    @Override
    public boolean ready(String status) {
        readyCalls.incrementAndGet();
        return send(NotifyState.READY, NotifyState.status(status));
    }

    @Override
    public boolean ready() {
        return send(NotifyState.READY);
    }

    @Override
    public Optional<Duration> watchdogInterval() {
        return Optional.ofNullable(watchdog);
    }

    @Override
    public boolean isAvailable() {
        pass(loadGate);
        return true;
    }

    /** Waits until the gate, if one is set, opens. */
    private static void pass(AtomicReference<CountDownLatch> gate) {
        CountDownLatch g = gate.get();
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static SdNotifyException refused() {
        return new SdNotifyException("sd_notify", 111, "NOTIFY_SOCKET=/run/x");
    }

    private static UnsupportedOperationException unused() {
        return new UnsupportedOperationException("not used by the lifecycle");
    }

    @Override
    public Optional<Duration> watchdogIntervalAndUnsetEnvironment() {
        throw unused();
    }

    @Override
    public List<ListenFd> listenFds() {
        throw unused();
    }

    @Override
    public List<ListenFd> listenFdsAndUnsetEnvironment() {
        throw unused();
    }

    @Override
    public boolean sendAndUnsetEnvironment(NotifyState state, NotifyState... more) {
        throw unused();
    }

    @Override
    public boolean sendWithFds(int[] fds, NotifyState state, NotifyState... more) {
        throw unused();
    }

    @Override
    public boolean sendAsPid(long pid, NotifyState state, NotifyState... more) {
        throw unused();
    }

    @Override
    public boolean sendRaw(String rawState) {
        throw unused();
    }

    @Override
    public boolean sendRawAndUnsetEnvironment(String rawState) {
        throw unused();
    }

    @Override
    public boolean barrier() {
        throw unused();
    }

    @Override
    public boolean barrier(Duration t) {
        throw unused();
    }

    @Override
    public boolean barrierAndUnsetEnvironment(Duration t) {
        throw unused();
    }

    @Override
    public boolean barrierAsPid(long pid, Duration t) {
        throw unused();
    }
}
