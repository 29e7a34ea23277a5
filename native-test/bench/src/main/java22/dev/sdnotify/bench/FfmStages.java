package dev.sdnotify.bench;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.sdnotify.BackendInfo;
import dev.sdnotify.SdNotify;
import dev.sdnotify.internal.daemon.Gateways;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Times, in a fresh JVM, the steps the library's first {@code SdNotify.ready()} takes on the FFM gateway,
 * written out here in the library's order with the same downcall signatures and linker options (see
 * src/main/java22/dev/sdnotify/internal/ffm): the linker and libc's lookup, the layouts, each downcall
 * handle's creation and its first call, and for libsystemd the library's lookup. Each step's time depends on
 * what ran before it (shared JDK machinery is loaded once), so the steps are read in this order. Modes
 * {@code library-java} and {@code library-libsystemd} time the library itself in three pieces instead, to
 * check the written-out steps against: its gateway ({@code Gateways.get()}, internal but public), the choice
 * of backend ({@code SdNotify.backend()}) and {@code SdNotify.ready()}.
 *
 * <p>usage: FfmStages java|libsystemd|library-java|library-libsystemd, with NOTIFY_SOCKET naming a path
 * socket (run.sh runs it under c/coldstart: every mode sends READY=1 there). Prints "stage TAB MODE TAB INDEX
 * TAB NANOS TAB LABEL" lines, then the total of the steps (index 99).
 */
public final class FfmStages {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final String[] SYSTEMD_SYMBOLS = {"sd_notify", "sd_pid_notify", "sd_pid_notify_with_fds",
        "sd_notify_barrier", "sd_watchdog_enabled", "sd_booted", "sd_listen_fds", "sd_listen_fds_with_names"};

    private final String mode;
    private final List<String> lines = new ArrayList<>();
    private long last;
    private long total;
    /** What the calls returned, kept so that none is dead code. */
    private long result;

    private Linker linker;
    private SymbolLookup libc;
    private Linker.Option critical;
    private Linker.Option errno;
    private StructLayout capture;
    private ValueLayout cLong;
    private ValueLayout sizeT;

    private FfmStages(String mode) {
        this.mode = mode;
    }

    public static void main(String[] args) throws Throwable {
        if (args.length != 1 || !List.of("java", "libsystemd", "library-java", "library-libsystemd").contains(args[0])) {
            System.err.println("usage: FfmStages java|libsystemd|library-java|library-libsystemd");
            System.exit(2);
        }
        FfmStages s = new FfmStages(args[0]);
        s.run();
        for (String line : s.lines) {
            System.out.println(line);
        }
        System.out.println(String.format(Locale.ROOT, "stage\t%s\t99\t%d\ttotal", s.mode, s.total));
        if (s.result == Long.MIN_VALUE) {
            System.out.println("unreachable");
        }
    }

    private void mark(String label) {
        long now = System.nanoTime();
        long took = now - last;
        total += took;
        lines.add(String.format(Locale.ROOT, "stage\t%s\t%d\t%d\t%s", mode, lines.size(), took, label));
        last = System.nanoTime();
    }

    @SuppressWarnings("restricted")
    private MethodHandle handle(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        return linker.downcallHandle(libc.find(symbol).orElseThrow(), descriptor, options);
    }

    private void run() throws Throwable {
        if (mode.startsWith("library-")) {
            library(mode.substring("library-".length()));
            return;
        }
        last = System.nanoTime();
        // The gateway's loading: Libc's and FfmPosix's class initialization, then getpid.
        linker = Linker.nativeLinker();
        mark("Linker.nativeLinker()");
        libc = linker.defaultLookup();
        mark("Linker.defaultLookup()");
        cLong = ((ValueLayout) linker.canonicalLayouts().get("long")).withName("long");
        sizeT = ((ValueLayout) linker.canonicalLayouts().get("size_t")).withName("size_t");
        critical = Linker.Option.critical(false);
        errno = Linker.Option.captureCallState("errno");
        capture = Linker.Option.captureStateLayout();
        mark("canonical layouts, critical(false), captureCallState(errno)");
        Layouts layouts = new Layouts(cLong, sizeT, capture);
        mark("the libc structures' layouts and member offsets");
        MethodHandle getpid = handle("getpid", FunctionDescriptor.of(JAVA_INT), critical);
        mark("getpid: handle (critical)");
        int pid = (int) getpid.invokeExact();
        mark("getpid: first call");
        if (mode.equals("java")) {
            announce();
            javaBackend(layouts);
        } else {
            libsystemd(pid);
        }
    }

    /** The library's own first call, in three pieces. */
    private void library(String backend) {
        System.setProperty("sdnotify.backend", backend);
        last = System.nanoTime();
        Object gateway = Gateways.get().value();
        mark("the library: its FFM gateway, Gateways.get()");
        BackendInfo info = SdNotify.backend();
        mark("the library: the backend chosen and announced, SdNotify.backend()");
        boolean sent = SdNotify.ready();
        mark("the library: SdNotify.ready()");
        if (!sent || gateway == null || !info.gateway().equals(Optional.of("FFM"))) {
            throw new IllegalStateException("READY=1 not sent through the FFM gateway: " + info);
        }
    }

    /** The library reports its choice of backend at DEBUG before the first send: System.Logger's start-up. */
    private void announce() {
        System.getLogger("dev.sdnotify.bench").log(System.Logger.Level.DEBUG, "sdnotify backend {0}", mode);
        mark("System.Logger: one DEBUG message (the library's choice of backend)");
    }

    /** The java backend's first READY=1: getenv, the shared socket and its send buffer, the ids, sendmsg. */
    @SuppressWarnings("restricted")
    private void javaBackend(Layouts layouts) throws Throwable {
        MethodHandle getenv = handle("getenv", FunctionDescriptor.of(JAVA_LONG, ADDRESS), critical);
        MethodHandle strcmp = handle("strcmp", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS), critical);
        MethodHandle strlen = handle("strlen", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), critical);
        mark("getenv, strcmp, strlen: 3 handles (critical, pointers as long)");
        MemorySegment name = Arena.ofAuto().allocateFrom("NOTIFY_SOCKET");
        long address = (long) getenv.invokeExact(name);
        if (address == 0) {
            throw new IllegalStateException("NOTIFY_SOCKET is not set");
        }
        long length = (long) strlen.invokeExact(address);
        byte[] value = MemorySegment.ofAddress(address).reinterpret(length).toArray(JAVA_BYTE);
        MemorySegment copy = Arena.ofAuto().allocate(value.length + 1L);
        MemorySegment.copy(value, 0, copy, JAVA_BYTE, 0, value.length);
        mark("getenv, strlen: first calls, the value copied");

        Arena arena = Arena.ofAuto();
        MemorySegment scratch = arena.allocate(layouts.scratch);
        MemorySegment optval = scratch.asSlice(layouts.scratch.byteOffset(groupElement("optval")), JAVA_INT);
        MemorySegment optlen = scratch.asSlice(layouts.scratch.byteOffset(groupElement("optlen")), JAVA_INT);
        MemorySegment captured = scratch.asSlice(layouts.scratch.byteOffset(groupElement("capture")), capture);
        MemorySegment ids = scratch.asSlice(layouts.scratch.byteOffset(groupElement("ids")), layouts.resids);
        long sendSize = layouts.sendHead.byteSize() + 8192 + 1024;
        MemorySegment send = arena.allocate(sendSize, 8);
        long msg = layouts.sendHead.byteOffset(groupElement("msg"));
        long iov = layouts.sendHead.byteOffset(groupElement("iov"));
        long sun = layouts.sendHead.byteOffset(groupElement("address"));
        send.set(JAVA_SHORT, sun, (short) AF_UNIX);
        MemorySegment.copy(value, 0, send, JAVA_BYTE, sun + 2, Math.min(value.length, 107));
        send.set(ADDRESS, iov, send.asSlice(layouts.sendHead.byteSize(), 8192));
        send.set(ADDRESS, msg, send.asSlice(sun, layouts.sockaddrUn));
        send.set(ADDRESS, msg + layouts.msghdr.byteOffset(groupElement("msg_iov")), send.asSlice(iov, layouts.iovec));
        send.set(JAVA_LONG, msg + layouts.msghdr.byteOffset(groupElement("msg_iovlen")), 1L);
        send.set(JAVA_INT, msg + layouts.msghdr.byteOffset(groupElement("msg_flags")), 0);
        mark("per-thread memory: allocated, sliced, first set of short, address, long, int");

        MethodHandle socket = handle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno);
        mark("socket: handle (captured errno)");
        int fd = (int) socket.invokeExact(captured, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        mark("socket: first call");
        MethodHandle getsockopt = handle("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errno);
        MethodHandle setsockopt = handle("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
        mark("getsockopt, setsockopt: 2 handles (captured errno)");
        optlen.set(JAVA_INT, 0, 4);
        int r = (int) getsockopt.invokeExact(captured, fd, SOL_SOCKET, SO_SNDBUF, optval, optlen);
        optval.set(JAVA_INT, 0, 8 * 1024 * 1024);
        r = (int) setsockopt.invokeExact(captured, fd, SOL_SOCKET, SO_SNDBUF, optval, 4);
        r = (int) getsockopt.invokeExact(captured, fd, SOL_SOCKET, SO_SNDBUF, optval, optlen);
        mark("getsockopt, setsockopt: first calls");

        FunctionDescriptor threeOut = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        MethodHandle getresuid = handle("getresuid", threeOut, critical);
        MethodHandle getresgid = handle("getresgid", threeOut, critical);
        mark("getresuid, getresgid: 2 handles (critical)");
        r = (int) getresuid.invokeExact(ids.asSlice(0, 4), ids.asSlice(4, 4), ids.asSlice(8, 4));
        r = (int) getresgid.invokeExact(ids.asSlice(12, 4), ids.asSlice(16, 4), ids.asSlice(20, 4));
        boolean differ = ids.get(JAVA_INT, 0) != ids.get(JAVA_INT, 4);
        mark("getresuid, getresgid: first calls");

        MethodHandle sendmsg = handle("sendmsg", FunctionDescriptor.of(cLong, JAVA_INT, ADDRESS, JAVA_INT), errno);
        mark("sendmsg: handle (captured errno)");
        byte[] ready = {'R', 'E', 'A', 'D', 'Y', '=', '1'};
        MemorySegment.copy(ready, 0, send, JAVA_BYTE, layouts.sendHead.byteSize(), ready.length);
        send.set(JAVA_LONG, iov + layouts.iovec.byteOffset(groupElement("iov_len")), ready.length);
        send.set(JAVA_INT, msg + layouts.msghdr.byteOffset(groupElement("msg_namelen")),
                2 + Math.min(value.length + 1, 108));
        long sent = (long) sendmsg.invokeExact(captured, fd, send.asSlice(msg, layouts.msghdr), MSG_NOSIGNAL);
        mark("sendmsg: first call");
        if (sent != ready.length) {
            throw new IllegalStateException("sendmsg of READY=1 failed");
        }
        result = r + sent + (differ ? 1 : 0) + strcmp.type().parameterCount();
    }

    /** The libsystemd backend's first READY=1: the library's lookup, its path, sd_pid_notify_with_fds. */
    @SuppressWarnings("restricted")
    private void libsystemd(int pid) throws Throwable {
        SymbolLookup systemd = SymbolLookup.libraryLookup("libsystemd.so.0", Arena.global());
        mark("SymbolLookup.libraryLookup(libsystemd.so.0)");
        for (String symbol : SYSTEMD_SYMBOLS) {
            if (systemd.find(symbol).isEmpty()) {
                throw new IllegalStateException("libsystemd.so.0 has no " + symbol);
            }
        }
        mark("find: the 8 sd-daemon symbols");
        String path = mappedPath("/libsystemd.so", "libsystemd.so.0");
        mark("the mapped file's path from /proc/self/maps (a Stream)");
        announce();
        StructLayout buffers = MemoryLayout.structLayout(JAVA_LONG.withName("usec"), ADDRESS.withName("names"),
                MemoryLayout.sequenceLayout(253, JAVA_INT).withName("fds"), MemoryLayout.paddingLayout(4),
                MemoryLayout.sequenceLayout(4096, JAVA_BYTE).withName("state"));
        MemorySegment b = Arena.ofAuto().allocate(buffers);
        MemorySegment state = b.asSlice(buffers.byteOffset(groupElement("state")), 4096);
        mark("per-thread buffers: allocated, sliced");
        MethodHandle notify = linker.downcallHandle(systemd.find("sd_pid_notify_with_fds").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        mark("sd_pid_notify_with_fds: handle");
        byte[] ready = {'R', 'E', 'A', 'D', 'Y', '=', '1'};
        MemorySegment.copy(ready, 0, state, JAVA_BYTE, 0, ready.length);
        state.set(JAVA_BYTE, ready.length, (byte) 0);
        int r = (int) notify.invokeExact(0, 0, state, MemorySegment.NULL, 0);
        mark("sd_pid_notify_with_fds: first call");
        if (r <= 0) {
            throw new IllegalStateException("sd_pid_notify_with_fds returned " + r);
        }
        result = r + path.length() + pid;
    }

    private static String mappedPath(String marker, String fallback) {
        try (Stream<String> lines = Files.lines(Paths.get("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(p -> p.contains(marker)).findFirst().orElse(fallback);
        } catch (IOException | UncheckedIOException e) {
            return fallback;
        }
    }

    /** The structures the library lays out when its libc binding loads, padded as a C compiler pads them. */
    private static final class Layouts {
        final StructLayout sockaddrUn;
        final StructLayout msghdr;
        final StructLayout iovec;
        final StructLayout resids;
        final StructLayout scratch;
        final StructLayout sendHead;

        Layouts(ValueLayout cLong, ValueLayout sizeT, StructLayout capture) {
            sockaddrUn = padded("sockaddr_un", JAVA_SHORT.withName("sun_family"),
                    MemoryLayout.sequenceLayout(108, JAVA_BYTE).withName("sun_path"));
            msghdr = padded("msghdr", ADDRESS.withName("msg_name"), JAVA_INT.withName("msg_namelen"),
                    ADDRESS.withName("msg_iov"), sizeT.withName("msg_iovlen"), ADDRESS.withName("msg_control"),
                    sizeT.withName("msg_controllen"), JAVA_INT.withName("msg_flags"));
            iovec = padded("iovec", ADDRESS.withName("iov_base"), sizeT.withName("iov_len"));
            StructLayout cmsghdr = padded("cmsghdr", sizeT.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"),
                    JAVA_INT.withName("cmsg_type"));
            StructLayout ucred = padded("ucred", JAVA_INT.withName("pid"), JAVA_INT.withName("uid"),
                    JAVA_INT.withName("gid"));
            StructLayout timespec = padded("timespec", cLong.withName("tv_sec"), cLong.withName("tv_nsec"));
            StructLayout timeval = padded("timeval", cLong.withName("tv_sec"), cLong.withName("tv_usec"));
            StructLayout pollfd = padded("pollfd", JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"),
                    JAVA_SHORT.withName("revents"));
            resids = padded("resids", JAVA_INT.withName("ruid"), JAVA_INT.withName("euid"),
                    JAVA_INT.withName("suid"), JAVA_INT.withName("rgid"), JAVA_INT.withName("egid"),
                    JAVA_INT.withName("sgid"));
            scratch = padded("scratch", capture.withName("capture"), JAVA_INT.withName("optval"),
                    JAVA_INT.withName("optlen"), timeval.withName("timeval"), timespec.withName("timespec"),
                    pollfd.withName("pollfd"), MemoryLayout.sequenceLayout(2, JAVA_INT).withName("pipefd"),
                    resids.withName("ids"));
            sendHead = padded("send_area", msghdr.withName("msg"), iovec.withName("iov"),
                    sockaddrUn.withName("address"));
            // The member offsets the library keeps as constants.
            long sum = 0;
            for (StructLayout s : List.of(sockaddrUn, msghdr, iovec, cmsghdr, ucred, timespec, timeval, pollfd)) {
                for (MemoryLayout m : s.memberLayouts()) {
                    if (m.name().isPresent()) {
                        sum += s.byteOffset(groupElement(m.name().get()));
                    }
                }
            }
            if (sum < 0) {
                throw new AssertionError();
            }
        }

        /** Members at their natural alignment, the whole rounded up to the largest. */
        private static StructLayout padded(String name, MemoryLayout... members) {
            List<MemoryLayout> out = new ArrayList<>();
            long offset = 0;
            long align = 1;
            for (MemoryLayout m : members) {
                long a = m.byteAlignment();
                if (offset % a != 0) {
                    out.add(MemoryLayout.paddingLayout(a - offset % a));
                    offset += a - offset % a;
                }
                out.add(m);
                offset += m.byteSize();
                align = Math.max(align, a);
            }
            if (offset % align != 0) {
                out.add(MemoryLayout.paddingLayout(align - offset % align));
            }
            return MemoryLayout.structLayout(out.toArray(new MemoryLayout[0])).withName(name);
        }
    }
}
