package dev.sdnotify.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.sdnotify.internal.protocol.NotifyAddress;
import dev.sdnotify.internal.protocol.VsockAddress;
import dev.sdnotify.testing.Capabilities;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.invocation.InvocationOnMock;

/**
 * The C structures the kernel layer lays out by hand, compared with what gcc and this machine's headers say:
 * {@link LibcKernel}'s layout constants, the bytes it writes for sendmsg and ppoll (through a mocked {@link Libc}
 * that never reaches the kernel), and the socket addresses {@link NotifyAddress} and {@link VsockAddress} build.
 * The layouts are LP64 glibc's; elsewhere the test is skipped.
 */
class StructLayoutTest {

    /** One C structure and its fields, in declaration order. */
    private static final class Layout {
        final String name;
        final String cType;
        final List<String> fields;

        Layout(String name, String cType, String... fields) {
            this.name = name;
            this.cType = cType;
            this.fields = List.of(fields);
        }
    }

    private static final List<Layout> LAYOUTS = List.of(
            new Layout("msghdr", "struct msghdr", "msg_name", "msg_namelen", "msg_iov", "msg_iovlen", "msg_control",
                    "msg_controllen", "msg_flags"),
            new Layout("iovec", "struct iovec", "iov_base", "iov_len"),
            new Layout("cmsghdr", "struct cmsghdr", "cmsg_len", "cmsg_level", "cmsg_type"),
            new Layout("ucred", "struct ucred", "pid", "uid", "gid"),
            new Layout("sockaddr_un", "struct sockaddr_un", "sun_family", "sun_path"),
            // svm_flags (Linux 5.11) is left out: older headers lack it, and the library writes it as zero.
            new Layout("sockaddr_vm", "struct sockaddr_vm", "svm_family", "svm_reserved1", "svm_port", "svm_cid"),
            new Layout("timespec", "struct timespec", "tv_sec", "tv_nsec"),
            new Layout("timeval", "struct timeval", "tv_sec", "tv_usec"),
            new Layout("pollfd", "struct pollfd", "fd", "events", "revents"));

    /** Data lengths for CMSG_LEN and CMSG_SPACE: 1, 2, 3 and 253 fds; 12 is also struct ucred. */
    private static final int[] CMSG_DATA_LENGTHS = {0, 4, 8, 12, 1012};

    /** The constants the kernel layer passes or writes into these structures, by their C names. */
    private static final Map<String, Integer> JAVA_CONSTANTS = new LinkedHashMap<>();

    static {
        LinuxAbi abi = LinuxAbi.CURRENT;
        JAVA_CONSTANTS.put("AF_UNIX", LinuxAbi.AF_UNIX);
        JAVA_CONSTANTS.put("AF_VSOCK", LinuxAbi.AF_VSOCK);
        JAVA_CONSTANTS.put("SOCK_DGRAM", LinuxAbi.SOCK_DGRAM);
        JAVA_CONSTANTS.put("SOCK_STREAM", LinuxAbi.SOCK_STREAM);
        JAVA_CONSTANTS.put("SOCK_SEQPACKET", LinuxAbi.SOCK_SEQPACKET);
        JAVA_CONSTANTS.put("SOCK_CLOEXEC", LinuxAbi.SOCK_CLOEXEC);
        JAVA_CONSTANTS.put("O_CLOEXEC", LinuxAbi.O_CLOEXEC);
        JAVA_CONSTANTS.put("SOL_SOCKET", abi.solSocket);
        JAVA_CONSTANTS.put("SO_SNDBUF", abi.soSndbuf);
        JAVA_CONSTANTS.put("SO_SNDBUFFORCE", abi.soSndbufforce);
        JAVA_CONSTANTS.put("SO_SNDTIMEO", abi.soSndtimeo);
        JAVA_CONSTANTS.put("SCM_RIGHTS", LinuxAbi.SCM_RIGHTS);
        JAVA_CONSTANTS.put("SCM_CREDENTIALS", LinuxAbi.SCM_CREDENTIALS);
        JAVA_CONSTANTS.put("MSG_NOSIGNAL", LinuxAbi.MSG_NOSIGNAL);
        JAVA_CONSTANTS.put("MSG_DONTWAIT", LinuxAbi.MSG_DONTWAIT);
        JAVA_CONSTANTS.put("F_GETFD", LinuxAbi.F_GETFD);
        JAVA_CONSTANTS.put("F_SETFD", LinuxAbi.F_SETFD);
        JAVA_CONSTANTS.put("F_GETFL", LinuxAbi.F_GETFL);
        JAVA_CONSTANTS.put("FD_CLOEXEC", LinuxAbi.FD_CLOEXEC);
        JAVA_CONSTANTS.put("SHUT_WR", LinuxAbi.SHUT_WR);
        JAVA_CONSTANTS.put("VMADDR_CID_ANY", VsockAddress.ANY);
    }

    /** Where the mocked libc says a buffer lies; pointers the kernel layer writes are relative to it. */
    private static final long BASE = 0x7f00_0000_0000L;

    /** What the compiled program printed: key to value. */
    private static Map<String, Long> c;

    @BeforeAll
    static void compileAndRun(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue("64".equals(System.getProperty("sun.arch.data.model")),
                "LibcKernel lays out LP64 structures only");
        Capabilities.require(Capabilities.onPath("gcc"), "needs gcc (Debian package gcc) to read the headers");
        Path source = dir.resolve("layout.c");
        Path binary = dir.resolve("layout");
        Files.writeString(source, program(), StandardCharsets.US_ASCII);
        run(List.of("gcc", "-std=c11", "-Wall", "-Werror", "-o", binary.toString(), source.toString()));
        c = parse(run(List.of(binary.toString())));
    }

    private static String program() {
        StringBuilder p = new StringBuilder();
        p.append("#define _GNU_SOURCE\n");
        for (String h : List.of("stddef.h", "stdio.h", "fcntl.h", "unistd.h", "sys/socket.h", "sys/un.h",
                "sys/uio.h", "sys/time.h", "time.h", "poll.h", "linux/vm_sockets.h")) {
            p.append("#include <").append(h).append(">\n");
        }
        p.append("#define FIELD(T, f) sizeof(((T *) 0)->f)\n");
        p.append("int main(void) {\n");
        for (Layout l : LAYOUTS) {
            p.append(String.format("    printf(\"sizeof %s %%zu\\n\", sizeof(%s));%n", l.name, l.cType));
            for (String f : l.fields) {
                p.append(String.format("    printf(\"offsetof %s.%s %%zu\\n\", offsetof(%s, %s));%n",
                        l.name, f, l.cType, f));
                p.append(String.format("    printf(\"fieldsize %s.%s %%zu\\n\", FIELD(%s, %s));%n",
                        l.name, f, l.cType, f));
            }
        }
        for (int n : CMSG_DATA_LENGTHS) {
            p.append(String.format("    printf(\"CMSG_LEN %d %%zu\\n\", (size_t) CMSG_LEN(%d));%n", n, n));
            p.append(String.format("    printf(\"CMSG_SPACE %d %%zu\\n\", (size_t) CMSG_SPACE(%d));%n", n, n));
        }
        p.append("    struct cmsghdr probe;\n");
        p.append("    printf(\"CMSG_DATA %zu\\n\", (size_t) ((unsigned char *) CMSG_DATA(&probe) "
                + "- (unsigned char *) &probe));\n");
        for (String name : JAVA_CONSTANTS.keySet()) {
            p.append(String.format("    printf(\"const %s %%lld\\n\", (long long) (int) (%s));%n", name, name));
        }
        p.append("    printf(\"const POLLNVAL %lld\\n\", (long long) POLLNVAL);\n");
        p.append("    return 0;\n}\n");
        return p.toString();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            process.getOutputStream().close();
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(command + " did not finish within 60 s");
            }
        } finally {
            process.destroyForcibly();
        }
        String shown = output;
        assertEquals(0, process.exitValue(), () -> command + " failed:\n" + shown);
        return output;
    }

    private static Map<String, Long> parse(String output) {
        Map<String, Long> values = new HashMap<>();
        for (String line : output.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            values.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
        }
        return values;
    }

    private static int fromC(String key) {
        Long v = c.get(key);
        assertNotNull(v, () -> "the C program printed no value for " + key);
        return Math.toIntExact(v);
    }

    private static int offset(String struct, String field) {
        return fromC("offsetof " + struct + "." + field);
    }

    private static int size(String struct, String field) {
        return fromC("fieldsize " + struct + "." + field);
    }

    private static int sizeOf(String struct) {
        return fromC("sizeof " + struct);
    }

    /** A C integer of {@code width} bytes at {@code at}, sign-extended from an int or short, as the field reads. */
    private static long read(ByteBuffer b, int at, int width) {
        switch (width) {
            case 2:
                return b.getShort(at);
            case 4:
                return b.getInt(at);
            case 8:
                return b.getLong(at);
            default:
                throw new AssertionError("no " + width + "-byte integers here");
        }
    }

    private static long field(ByteBuffer b, int base, String struct, String name) {
        return read(b, base + offset(struct, name), size(struct, name));
    }

    // ---------------------------------------------------------------- the constants

    @Test
    void msghdrConstantsMatchC() {
        assertAll(
                () -> assertEquals(offset("msghdr", "msg_name"), LibcKernel.MSG_NAME, "msg_name"),
                () -> assertEquals(offset("msghdr", "msg_namelen"), LibcKernel.MSG_NAMELEN, "msg_namelen"),
                () -> assertEquals(offset("msghdr", "msg_iov"), LibcKernel.MSG_IOV, "msg_iov"),
                () -> assertEquals(offset("msghdr", "msg_iovlen"), LibcKernel.MSG_IOVLEN, "msg_iovlen"),
                () -> assertEquals(offset("msghdr", "msg_control"), LibcKernel.MSG_CONTROL, "msg_control"),
                () -> assertEquals(offset("msghdr", "msg_controllen"), LibcKernel.MSG_CONTROLLEN, "msg_controllen"),
                () -> assertEquals(offset("msghdr", "msg_flags"), LibcKernel.MSG_FLAGS, "msg_flags"),
                () -> assertEquals(sizeOf("msghdr"), LibcKernel.MSGHDR_SIZE, "sizeof struct msghdr"));
    }

    @Test
    void iovecCmsghdrAndUcredConstantsMatchC() {
        assertAll(
                () -> assertEquals(sizeOf("iovec"), LibcKernel.IOVEC_SIZE, "sizeof struct iovec"),
                () -> assertEquals(fromC("CMSG_LEN 0"), LibcKernel.CMSG_HEADER, "CMSG_LEN(0)"),
                () -> assertEquals(fromC("CMSG_DATA"), LibcKernel.CMSG_HEADER, "CMSG_DATA's offset"),
                () -> assertEquals(sizeOf("ucred"), LibcKernel.UCRED_SIZE, "sizeof struct ucred"));
    }

    @Test
    void cmsgSpaceIsTheHeaderAndTheDataRoundedToALong() {
        // LibcKernel's cmsgSpace is CMSG_HEADER plus the data rounded up to 8 bytes; C's macro decides.
        List<Executable> checks = new ArrayList<>();
        for (int n : CMSG_DATA_LENGTHS) {
            checks.add(() -> assertEquals(fromC("CMSG_LEN " + n), LibcKernel.CMSG_HEADER + n, "CMSG_LEN(" + n + ")"));
            checks.add(() -> assertEquals(fromC("CMSG_SPACE " + n), LibcKernel.CMSG_HEADER + ((n + 7) & -8),
                    "CMSG_SPACE(" + n + ")"));
        }
        assertAll(checks);
    }

    @Test
    void constantsMatchHeaders() {
        List<Executable> checks = new ArrayList<>();
        JAVA_CONSTANTS.forEach((name, value) ->
                checks.add(() -> assertEquals(fromC("const " + name), (int) value, name)));
        assertAll(checks);
    }

    // ---------------------------------------------------------------- sendmsg's bytes

    /** What one sendmsg handed libc: the whole area, and the flags. */
    private static final class Captured {
        ByteBuffer area;
        int flags;
    }

    private static LibcKernel kernelCapturing(Captured into) {
        Libc libc = mock(Libc.class);
        when(libc.pointerSize()).thenReturn(8);
        AtomicReference<ByteBuffer> area = new AtomicReference<>();
        when(libc.address(any())).thenAnswer(inv -> {
            area.set(inv.getArgument(0));
            return BASE;
        });
        // Real ids 1000 and 1001, the effective and saved ones 0: written where the kernel layer asked.
        when(libc.getresuid(anyLong(), anyLong(), anyLong())).thenAnswer(inv -> ids(area.get(), inv, 1000));
        when(libc.getresgid(anyLong(), anyLong(), anyLong())).thenAnswer(inv -> ids(area.get(), inv, 1001));
        when(libc.sendmsg(anyInt(), anyLong(), anyInt())).thenAnswer(inv -> {
            assertEquals(BASE, (long) inv.getArgument(1), "the message is at the area's start");
            ByteBuffer m = area.get();
            // A copy: the area is reused once the call returns.
            ByteBuffer copy = ByteBuffer.allocate(m.capacity()).order(ByteOrder.nativeOrder());
            copy.put(m.duplicate().clear());
            into.area = copy;
            into.flags = inv.getArgument(2);
            return 0;
        });
        return new LibcKernel(libc, LinuxAbi.CURRENT);
    }

    private static int ids(ByteBuffer area, InvocationOnMock call, int real) {
        area.putInt(at(call.getArgument(0)), real).putInt(at(call.getArgument(1)), 0).putInt(at(call.getArgument(2)), 0);
        return 0;
    }

    /** The offset in the area a pointer written into it names. */
    private static int at(long pointer) {
        return Math.toIntExact(pointer - BASE);
    }

    static Stream<Arguments> messages() {
        byte[] unix = new byte[] {1, 0, '/', 'r', 'u', 'n', '/', 'x', 0};
        // Any name does: the libc is a mock. Still, no vsock peer's address goes near a real Kernel.
        byte[] abstractUnix = new byte[] {1, 0, 0, 'a', 'b', 's'};
        return Stream.of(
                Arguments.of("no address, no control", null, 0, false, false),
                Arguments.of("an AF_UNIX address", unix, 0, false, true),
                Arguments.of("one fd", unix, 1, false, false),
                Arguments.of("three fds and credentials", unix, 3, true, true),
                Arguments.of("credentials alone", abstractUnix, 0, true, false),
                Arguments.of("253 fds and credentials", unix, 253, true, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    @DisplayName("sendmsg: msghdr, iovec, each cmsghdr (CMSG_NXTHDR apart) and ucred where C reads them")
    void sendmsgWritesTheStructuresCReads(String name, byte[] address, int nFds, boolean credentials,
            boolean dontWait) {
        Captured sent = new Captured();
        int[] fds = new int[nFds];
        for (int i = 0; i < nFds; i++) {
            fds[i] = 100 + i;
        }
        byte[] payload = "xxREADY=1yy".getBytes(StandardCharsets.US_ASCII);
        kernelCapturing(sent).sendmsg(5, address, payload, 2, 7, fds, nFds, credentials, 4242, dontWait);
        ByteBuffer m = sent.area;
        assertNotNull(m, "sendmsg reached libc");

        if (address == null) {
            assertEquals(0L, field(m, 0, "msghdr", "msg_name"), "msg_name is NULL");
            assertEquals(0L, field(m, 0, "msghdr", "msg_namelen"));
        } else {
            assertEquals(address.length, field(m, 0, "msghdr", "msg_namelen"));
            byte[] written = new byte[address.length];
            m.get(at(field(m, 0, "msghdr", "msg_name")), written);
            assertArrayEquals(address, written, "msg_name's bytes");
        }

        assertEquals(1, field(m, 0, "msghdr", "msg_iovlen"));
        int iov = at(field(m, 0, "msghdr", "msg_iov"));
        assertEquals(7, field(m, iov, "iovec", "iov_len"));
        byte[] data = new byte[7];
        m.get(at(field(m, iov, "iovec", "iov_base")), data);
        assertEquals("READY=1", new String(data, StandardCharsets.US_ASCII));

        assertEquals(0, field(m, 0, "msghdr", "msg_flags"));
        int rightsSpace = nFds > 0 ? fromC("CMSG_SPACE " + 4 * nFds) : 0;
        int credSpace = credentials ? fromC("CMSG_SPACE " + sizeOf("ucred")) : 0;
        assertEquals(rightsSpace + credSpace, field(m, 0, "msghdr", "msg_controllen"), "msg_controllen");
        if (rightsSpace + credSpace == 0) {
            assertEquals(0, field(m, 0, "msghdr", "msg_control"), "msg_control is NULL");
        } else {
            int control = at(field(m, 0, "msghdr", "msg_control"));
            int cmsgData = fromC("CMSG_DATA");
            int next = control;
            if (nFds > 0) {
                assertEquals(LibcKernel.CMSG_HEADER + 4 * nFds, field(m, next, "cmsghdr", "cmsg_len"), "CMSG_LEN");
                assertEquals(fromC("const SOL_SOCKET"), field(m, next, "cmsghdr", "cmsg_level"));
                assertEquals(fromC("const SCM_RIGHTS"), field(m, next, "cmsghdr", "cmsg_type"));
                for (int i = 0; i < nFds; i++) {
                    assertEquals(100 + i, m.getInt(next + cmsgData + 4 * i), "fd " + i);
                }
                // CMSG_NXTHDR: the next header starts CMSG_SPACE(data) on.
                next += rightsSpace;
            }
            if (credentials) {
                int ucred = sizeOf("ucred");
                assertEquals(fromC("CMSG_LEN 0") + ucred, field(m, next, "cmsghdr", "cmsg_len"));
                assertEquals(fromC("const SOL_SOCKET"), field(m, next, "cmsghdr", "cmsg_level"));
                assertEquals(fromC("const SCM_CREDENTIALS"), field(m, next, "cmsghdr", "cmsg_type"));
                int cred = next + cmsgData;
                assertEquals(4242, field(m, cred, "ucred", "pid"));
                assertEquals(1000, field(m, cred, "ucred", "uid"));
                assertEquals(1001, field(m, cred, "ucred", "gid"));
            }
        }
        int expectedFlags = fromC("const MSG_NOSIGNAL") | (dontWait ? fromC("const MSG_DONTWAIT") : 0);
        assertEquals(expectedFlags, sent.flags, "sendmsg flags");
    }

    // ---------------------------------------------------------------- ppoll, SO_SNDTIMEO

    @Test
    void pollForHangupWritesPollfdAndTimespecAsCReadsThem() {
        Libc libc = mock(Libc.class);
        when(libc.pointerSize()).thenReturn(8);
        ByteBuffer[] seen = new ByteBuffer[2];
        when(libc.ppoll(any(), anyLong(), any(), any())).thenAnswer(inv -> {
            ByteBuffer pollfd = inv.getArgument(0);
            seen[0] = pollfd;
            seen[1] = inv.getArgument(2);
            assertEquals(1L, inv.<Long>getArgument(1));
            assertNull(inv.getArgument(3), "no signal mask");
            pollfd.order(ByteOrder.nativeOrder());
            int revents = offset("pollfd", "revents");
            assertEquals(2, size("pollfd", "revents"));
            pollfd.putShort(revents, (short) 0x10);
            return 1;
        });
        int r = new LibcKernel(libc, LinuxAbi.CURRENT).pollForHangup(42, 1_500_000L);
        assertEquals(0x10, r, "revents read where C has them");
        ByteBuffer pollfd = seen[0].order(ByteOrder.nativeOrder());
        assertEquals(sizeOf("pollfd"), pollfd.capacity(), "sizeof struct pollfd");
        assertEquals(42, field(pollfd, 0, "pollfd", "fd"));
        assertEquals(0, field(pollfd, 0, "pollfd", "events"), "no events asked for");
        ByteBuffer timespec = seen[1].order(ByteOrder.nativeOrder());
        assertEquals(sizeOf("timespec"), timespec.capacity(), "sizeof struct timespec");
        assertEquals(1, field(timespec, 0, "timespec", "tv_sec"));
        assertEquals(500_000_000L, field(timespec, 0, "timespec", "tv_nsec"));
    }

    @Test
    void pollForHangupWithoutLimitPassesNoTimespec() {
        Libc libc = mock(Libc.class);
        when(libc.pointerSize()).thenReturn(8);
        ByteBuffer[] timeout = {ByteBuffer.allocate(1)};
        when(libc.ppoll(any(), anyLong(), any(), any())).thenAnswer(inv -> {
            timeout[0] = inv.getArgument(2);
            return 0;
        });
        assertEquals(0, new LibcKernel(libc, LinuxAbi.CURRENT).pollForHangup(42, -1L));
        assertNull(timeout[0], "ppoll's timeout is NULL");
    }

    @Test
    void setSendTimeoutWritesATimevalAsCReadsIt() {
        Libc libc = mock(Libc.class);
        when(libc.pointerSize()).thenReturn(8);
        ByteBuffer[] seen = new ByteBuffer[1];
        int[] length = new int[1];
        when(libc.setsockopt(anyInt(), anyInt(), anyInt(), any(), anyInt())).thenAnswer(inv -> {
            ByteBuffer v = inv.getArgument(3);
            seen[0] = ByteBuffer.allocate(v.capacity()).order(ByteOrder.nativeOrder()).put(v.duplicate().clear());
            length[0] = inv.getArgument(4);
            assertEquals(fromC("const SOL_SOCKET"), inv.<Integer>getArgument(1));
            assertEquals(fromC("const SO_SNDTIMEO"), inv.<Integer>getArgument(2));
            return 0;
        });
        assertEquals(0, new LibcKernel(libc, LinuxAbi.CURRENT).setSendTimeout(9, 2_250_000L));
        assertEquals(sizeOf("timeval"), length[0], "optlen is sizeof struct timeval");
        assertEquals(2, field(seen[0], 0, "timeval", "tv_sec"));
        assertEquals(250_000, field(seen[0], 0, "timeval", "tv_usec"));
    }

    // ---------------------------------------------------------------- socket addresses

    @Test
    void sockaddrUnMatchesC() throws Exception {
        byte[] address = NotifyAddress.parse("/run/x".getBytes(StandardCharsets.US_ASCII)).sockaddr();
        ByteBuffer b = ByteBuffer.wrap(address).order(ByteOrder.nativeOrder());
        assertAll(
                () -> assertEquals(offset("sockaddr_un", "sun_path"), NotifyAddress.SUN_PATH_OFFSET, "sun_path"),
                () -> assertEquals(size("sockaddr_un", "sun_path"), NotifyAddress.SUN_PATH_SIZE, "sizeof sun_path"),
                () -> assertEquals(sizeOf("sockaddr_un"),
                        NotifyAddress.SUN_PATH_OFFSET + NotifyAddress.SUN_PATH_SIZE, "sizeof struct sockaddr_un"),
                () -> assertEquals(fromC("const AF_UNIX"), field(b, 0, "sockaddr_un", "sun_family"), "sun_family"),
                () -> assertArrayEquals("/run/x\0".getBytes(StandardCharsets.US_ASCII),
                        Arrays.copyOfRange(address, offset("sockaddr_un", "sun_path"), address.length)));
    }

    @Test
    void sockaddrVmMatchesC() {
        byte[] address = VsockAddress.sockaddr(0x01020304, 0x0a0b0c0d);
        ByteBuffer b = ByteBuffer.wrap(address).order(ByteOrder.nativeOrder());
        assertEquals(sizeOf("sockaddr_vm"), address.length, "sizeof struct sockaddr_vm");
        assertEquals(fromC("const AF_VSOCK"), field(b, 0, "sockaddr_vm", "svm_family"), "svm_family");
        assertEquals(0, field(b, 0, "sockaddr_vm", "svm_reserved1"), "svm_reserved1");
        assertEquals(0x0a0b0c0d, field(b, 0, "sockaddr_vm", "svm_port"), "svm_port");
        assertEquals(0x01020304, field(b, 0, "sockaddr_vm", "svm_cid"), "svm_cid");
        int end = offset("sockaddr_vm", "svm_cid") + size("sockaddr_vm", "svm_cid");
        for (int i = end; i < address.length; i++) {
            assertEquals(0, address[i], "svm_flags and svm_zero are zero: byte " + i);
        }
    }

    @Test
    void barrierPollnvalIsTheHeadersValue() {
        // Barrier tells POLLNVAL (0x20) from a hang-up; the value is Linux's everywhere.
        assertEquals(0x20, fromC("const POLLNVAL"));
    }
}
