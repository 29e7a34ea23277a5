package dev.sdnotify.reliability;

import com.sun.jna.Native;
import dev.sdnotify.testing.Daemon;
import dev.sdnotify.reliability.FuzzCase.Token;
import dev.sdnotify.testing.FastLibc;
import dev.sdnotify.testing.OwnPidfd;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.TestLibc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * What the fuzz cases run against, made once and reused: receivers (a path, an abstract name, both at
 * the longest length sun_path holds), a stream listener, a regular file, a missing path, a receiver that
 * closes every fd it gets at once (for barriers), and two pipes to pass. {@link #run} puts a case's
 * environment in place, calls one backend, and collects everything observable.
 */
final class FuzzWorld implements AutoCloseable {
    static final TestLibc C = TestLibc.INSTANCE;
    static final long SENTINEL_USEC = 0x5e5e5e5eL;
    private static final int F_GETFL = 3;
    private static final int O_ACCMODE = 3;
    private static final int POLLIN = 1;
    private static final int MAX_PAYLOAD_SHOWN = 200;

    final Path tmp;
    private final Receiver recv;
    private final Receiver recvAbstract;
    private final Receiver recvLong;
    private final Receiver recvLongAbstract;
    private final Receiver stream;
    private final Receiver closer;
    private final List<Receiver> silent;
    private final List<String> silentNames = List.of("recv", "recv-abstract", "recv-long", "recv-long-abstract");
    private final int[] pipeA = new int[2];
    private final int[] pipeB = new int[2];
    private final byte[][] tokenValues = new byte[Token.values().length][];
    private final Thread closerThread;
    private final BlockingQueue<String> closerSeen = new LinkedBlockingQueue<>();
    private volatile boolean closing;
    private long sentinels;
    private int[] savedFlags = new int[64];

    FuzzWorld() throws IOException {
        // Short, so that paths around sun_path's 108 bytes can be built under it.
        tmp = Files.createTempDirectory(Path.of("/tmp"), "sdf");
        recv = Receiver.bindPath(tmp.resolve("notify"));
        String unique = UUID.randomUUID().toString().replace("-", "");
        recvAbstract = Receiver.bindAbstract("sdnotify-fuzz-" + unique);
        String prefix = tmp + "/";
        recvLong = Receiver.bindPath(Path.of(prefix + "L".repeat(107 - prefix.length())));
        recvLongAbstract = Receiver.bindAbstract((unique + "A".repeat(106)).substring(0, 106));
        stream = Receiver.bindStreamListener(tmp.resolve("stream"));
        Files.writeString(tmp.resolve("file"), "not a socket");
        closer = Receiver.bindPath(tmp.resolve("closer"));
        silent = List.of(recv, recvAbstract, recvLong, recvLongAbstract);
        if (C.pipe(pipeA) != 0 || C.pipe(pipeB) != 0) {
            throw new IllegalStateException("pipe: errno " + Native.getLastError());
        }
        int pid = C.getpid();
        set(Token.PID, Integer.toString(pid));
        set(Token.PID_HEX, Integer.toHexString(pid));
        set(Token.PID_OCT, Integer.toOctalString(pid));
        set(Token.PID_BIN, Integer.toBinaryString(pid));
        set(Token.PPID, Integer.toString(C.getppid()));
        set(Token.OTHER_PID, Integer.toString(pid + 1));
        set(Token.TMP, tmp.toString());
        set(Token.RECV, recv.address());
        set(Token.RECV_ABSTRACT, recvAbstract.address());
        set(Token.RECV_LONG, recvLong.address());
        set(Token.RECV_LONG_ABSTRACT, recvLongAbstract.address());
        set(Token.STREAM, tmp.resolve("stream").toString());
        set(Token.FILE, tmp.resolve("file").toString());
        set(Token.MISSING, tmp.resolve("missing").toString());
        set(Token.CLOSER, closer.address());
        set(Token.PIPE, Integer.toString(pipeA[1]));
        set(Token.PIPE2, Integer.toString(pipeB[0]));
        // Without pidfs there is no id to match: any number then stands for one.
        long pidfdId = OwnPidfd.find().orElse(1L);
        set(Token.PIDFDID, Long.toString(pidfdId));
        set(Token.OTHER_PIDFDID, Long.toString(pidfdId + 1));

        closerThread = new Thread(this::closeWhatArrives, "fuzz-barrier-closer");
        closerThread.setDaemon(true);
        closerThread.start();
    }

    private void set(Token t, String value) {
        tokenValues[t.ordinal()] = value.getBytes(StandardCharsets.UTF_8);
    }

    /** The barrier's counterpart of the manager: read, describe, close the fds at once. */
    private void closeWhatArrives() {
        while (!closing) {
            Receiver.Datagram d = closer.receiveBlocking(false);
            String seen = describe("closer", d);
            d.fds().forEach(C::close);
            closerSeen.add(seen);
        }
    }

    byte[] expand(String template) {
        if (template == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(template.length());
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            Token t = Token.of(c);
            if (t != null) {
                out.writeBytes(tokenValues[t.ordinal()]);
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /** A case with its templates replaced, shared by the runs on both backends. */
    record Prepared(FuzzCase c, byte[][] env, byte[] state, int[] fds, int pid, List<String> sentTargets,
            boolean usesCloser) {}

    Prepared prepare(FuzzCase c) {
        byte[][] env = new byte[FuzzCase.VARIABLES.size()][];
        for (int i = 0; i < env.length; i++) {
            env[i] = expand(c.variable(i));
        }
        byte[] state = expand(c.state());
        if (state != null && c.repeat() != 1) {
            byte[] unit = state;
            state = new byte[unit.length * c.repeat()];
            for (int i = 0; i < c.repeat(); i++) {
                System.arraycopy(unit, 0, state, i * unit.length, unit.length);
            }
        }
        int[] fds = null;
        List<String> targets = List.of();
        if (c.fds() != null) {
            fds = new int[c.fds().size()];
            targets = new ArrayList<>();
            for (int i = 0; i < fds.length; i++) {
                fds[i] = number(expand(c.fds().get(i)));
                targets.add(Receiver.describeFd(fds[i]));
            }
        }
        String socket = c.variable(FuzzCase.NOTIFY_SOCKET);
        boolean usesCloser = socket != null && socket.indexOf(Token.CLOSER.ch()) >= 0;
        return new Prepared(c, env, state, fds, number(expand(c.pid())), targets, usesCloser);
    }

    /** An int from a template's bytes; what is not a number (a shrunk token) counts as 0. */
    private static int number(byte[] text) {
        try {
            return Integer.parseInt(new String(text, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Everything a call could change or send: its result, out parameter, the datagrams any receiver got
     * (payload, sender, passed fds), the fds it made close-on-exec, and every variable afterwards.
     */
    record Outcome(int ret, String out, List<String> received, String madeCloexec, List<String> envAfter) {
        @Override
        public String toString() {
            return "ret=" + ret + " out=" + out + " received=" + received + " cloexec=" + madeCloexec + " env="
                    + envAfter;
        }
    }

    Outcome run(Daemon d, Prepared p) {
        FuzzCase c = p.c();
        for (int i = 0; i < p.env().length; i++) {
            FastLibc.setVariable(FuzzCase.VARIABLES.get(i), p.env()[i]);
        }
        int ret;
        String out = "-";
        String cloexec = "-";
        List<String> received = new ArrayList<>();
        switch (c.op()) {
            case NOTIFY -> ret = d.pidNotifyWithFds(p.pid(), c.unset(), p.state(), p.fds(), c.nFds());
            case BARRIER -> ret = d.notifyBarrier(c.unset(), c.timeout());
            case WATCHDOG -> {
                long[] usec = c.out() ? new long[] {SENTINEL_USEC} : null;
                ret = d.watchdogEnabled(c.unset(), usec);
                out = usec == null ? "NULL" : usec[0] == SENTINEL_USEC ? "untouched" : Long.toUnsignedString(usec[0]);
            }
            case LISTEN, LISTEN_NAMES -> {
                // Every fd from 3 up to the first closed one is cleared of close-on-exec, then restored.
                int[] saved = savedFlags;
                int firstClosed = 3;
                for (int flags; (flags = FastLibc.fcntl(firstClosed, TestLibc.F_GETFD, 0)) >= 0; firstClosed++) {
                    if (firstClosed >= saved.length) {
                        saved = savedFlags = Arrays.copyOf(saved, 2 * firstClosed);
                    }
                    saved[firstClosed] = flags;
                    if ((flags & TestLibc.FD_CLOEXEC) != 0) {
                        FastLibc.fcntl(firstClosed, TestLibc.F_SETFD, flags & ~TestLibc.FD_CLOEXEC);
                    }
                }
                List<byte[]> names = c.op() == FuzzCase.Op.LISTEN_NAMES && c.out() ? new ArrayList<>() : null;
                StringBuilder made = new StringBuilder();
                try {
                    ret = c.op() == FuzzCase.Op.LISTEN ? d.listenFds(c.unset()) : d.listenFdsWithNames(c.unset(), names);
                } finally {
                    // Ranges, since a call may mark every fd up to the first closed one.
                    int runStart = -1;
                    for (int fd = 3; fd <= firstClosed; fd++) {
                        int now = fd < firstClosed ? FastLibc.fcntl(fd, TestLibc.F_GETFD, 0) : -1;
                        boolean set = now >= 0 && (now & TestLibc.FD_CLOEXEC) != 0;
                        if (set && runStart < 0) {
                            runStart = fd;
                        } else if (!set && runStart >= 0) {
                            made.append(runStart).append("..").append(fd - 1).append(fd == firstClosed ? "(all)" : "")
                                    .append(' ');
                            runStart = -1;
                        }
                        if (fd < firstClosed && now != saved[fd]) {
                            FastLibc.fcntl(fd, TestLibc.F_SETFD, saved[fd]);
                        }
                    }
                }
                cloexec = made.toString().trim();
                if (names != null) {
                    List<String> shown = new ArrayList<>();
                    names.forEach(n -> shown.add('"' + FuzzCase.encode(new String(n, StandardCharsets.ISO_8859_1)) + '"'));
                    out = names.isEmpty() ? "untouched" : shown.toString();
                } else {
                    out = "NULL";
                }
            }
            default -> throw new IllegalStateException(c.op().toString());
        }
        List<String> envAfter = new ArrayList<>(FuzzCase.VARIABLES.size());
        for (String v : FuzzCase.VARIABLES) {
            byte[] value = FastLibc.getVariable(v);
            envAfter.add(value == null ? "unset" : FuzzCase.encode(new String(value, StandardCharsets.ISO_8859_1)));
        }
        if (c.op() == FuzzCase.Op.NOTIFY || c.op() == FuzzCase.Op.BARRIER) {
            int[] pollfds = new int[2 * silent.size()];
            for (int i = 0; i < silent.size(); i++) {
                pollfds[2 * i] = silent.get(i).fd();
                pollfds[2 * i + 1] = POLLIN;
            }
            if (FastLibc.poll(pollfds, silent.size(), 0) < 0) {
                throw new IllegalStateException("poll: errno " + Native.getLastError());
            }
            for (int i = 0; i < silent.size(); i++) {
                if ((pollfds[2 * i + 1] >>> 16) == 0) {
                    continue;
                }
                for (Receiver.Datagram got : silent.get(i).drain(false)) {
                    received.add(describe(silentNames.get(i), got, p.sentTargets()));
                    got.fds().forEach(C::close);
                }
            }
            if (p.usesCloser()) {
                received.addAll(syncCloser());
            }
        }
        return new Outcome(ret, out, received, cloexec, envAfter);
    }

    /** A case run on both backends from the same starting environment. */
    record Comparison(Prepared prepared, Outcome oracle, Outcome ours) {
        boolean agree() {
            return oracle.equals(ours);
        }
    }

    Comparison compare(Daemon oracle, Daemon candidate, FuzzCase c) {
        Prepared p = prepare(c);
        Outcome a = run(oracle, p);
        Outcome b = run(candidate, p);
        clearEnvironment();
        return new Comparison(p, a, b);
    }

    /** A case on one backend alone, as {@link #compare} runs it. */
    Outcome runAlone(Daemon d, FuzzCase c) {
        Outcome o = run(d, prepare(c));
        clearEnvironment();
        return o;
    }

    /** Empties the receivers that never read on their own, closing any fds that arrived. */
    void drainReceivers() {
        for (Receiver r : silent) {
            r.drain();
        }
    }

    /** What the closer received since the last call: a marker datagram of our own ends the batch. */
    private List<String> syncCloser() {
        String marker = "SENTINEL-" + (++sentinels);
        closer.inject(marker.getBytes(StandardCharsets.US_ASCII));
        List<String> got = new ArrayList<>();
        while (true) {
            String seen;
            try {
                seen = closerSeen.poll(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the closer");
            }
            if (seen == null) {
                throw new IllegalStateException("the closer did not report within 10 s");
            }
            if (seen.contains("\"" + marker + "\"")) {
                return got;
            }
            got.add(seen);
        }
    }

    private String describe(String receiver, Receiver.Datagram d) {
        return describe(receiver, d, List.of());
    }

    /** A datagram with its sender relative to us and its fds named by what they are, not their numbers. */
    private static String describe(String receiver, Receiver.Datagram d, List<String> sentTargets) {
        StringBuilder s = new StringBuilder(receiver).append(':');
        byte[] payload = d.payload();
        if (payload.length <= MAX_PAYLOAD_SHOWN) {
            s.append('"').append(FuzzCase.encode(new String(payload, StandardCharsets.ISO_8859_1))).append('"');
        } else {
            CRC32 crc = new CRC32();
            crc.update(payload);
            s.append(payload.length).append(" B crc ").append(Long.toHexString(crc.getValue()));
        }
        int pid = d.pid();
        s.append(" from ").append(pid == C.getpid() ? "self" : pid == C.getppid() ? "parent" : "pid " + pid);
        s.append(" uid ").append(d.uid()).append(" gid ").append(d.gid());
        if (d.truncated()) {
            s.append(" TRUNCATED");
        }
        if (!d.fds().isEmpty()) {
            s.append(" fds [");
            for (int i = 0; i < d.fds().size(); i++) {
                String target = d.fdTargets().get(i);
                int sent = sentTargets.indexOf(target);
                if (i > 0) {
                    s.append(", ");
                }
                if (sent >= 0) {
                    s.append("sent#").append(sent);
                } else {
                    int bracket = target.indexOf(":[");
                    s.append(bracket > 0 ? target.substring(0, bracket) : target).append(" mode ")
                            .append(C.fcntl(d.fds().get(i), F_GETFL) & O_ACCMODE);
                }
            }
            s.append(']');
        }
        return s.toString();
    }

    void clearEnvironment() {
        FuzzCase.VARIABLES.forEach(FastLibc::unsetenv);
    }

    @Override
    public void close() throws IOException {
        closing = true;
        closer.inject("STOP".getBytes(StandardCharsets.US_ASCII));
        try {
            closerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clearEnvironment();
        for (Receiver r : List.of(recv, recvAbstract, recvLong, recvLongAbstract, stream, closer)) {
            r.close();
        }
        for (int fd : new int[] {pipeA[0], pipeA[1], pipeB[0], pipeB[1]}) {
            C.close(fd);
        }
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
