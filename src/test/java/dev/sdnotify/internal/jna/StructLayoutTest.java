package dev.sdnotify.internal.jna;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.sun.jna.Native;
import com.sun.jna.Structure.FieldOrder;
import dev.sdnotify.testing.Capabilities;
import java.io.IOException;
import java.lang.reflect.Field;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JNA structure mappings, control-message sizes and constants in {@link LibC}, compared value by value
 * with what gcc and the system headers say on this machine.
 */
class StructLayoutTest {

    /** One mapped structure: its Java class, its C type and its fields in declaration order. */
    private static final class Layout {
        final String name;
        final String cType;
        final Supplier<CStruct> create;
        final List<String> fields;

        Layout(String name, String cType, Supplier<CStruct> create, String... fields) {
            this.name = name;
            this.cType = cType;
            this.create = create;
            this.fields = List.of(fields);
        }
    }

    private static final List<Layout> LAYOUTS = List.of(
            new Layout("SockaddrUn", "struct sockaddr_un", LibC.SockaddrUn::new, "sun_family", "sun_path"),
            new Layout("Msghdr", "struct msghdr", LibC.Msghdr::new, "msg_name", "msg_namelen", "msg_iov",
                    "msg_iovlen", "msg_control", "msg_controllen", "msg_flags"),
            new Layout("Cmsghdr", "struct cmsghdr", LibC.Cmsghdr::new, "cmsg_len", "cmsg_level", "cmsg_type"),
            new Layout("Ucred", "struct ucred", LibC.Ucred::new, "pid", "uid", "gid"),
            new Layout("Iovec", "struct iovec", LibC.Iovec::new, "iov_base", "iov_len"),
            new Layout("Timespec", "struct timespec", LibC.Timespec::new, "tv_sec", "tv_nsec"),
            new Layout("Pollfd", "struct pollfd", LibC.Pollfd::new, "fd", "events", "revents"));

    private static final int[] CMSG_DATA_LENGTHS = {0, 4, 8, 12, 1012};

    private static final Map<String, Integer> JAVA_CONSTANTS = new LinkedHashMap<>();

    static {
        JAVA_CONSTANTS.put("AF_UNIX", LibC.AF_UNIX);
        JAVA_CONSTANTS.put("SOCK_DGRAM", LibC.SOCK_DGRAM);
        JAVA_CONSTANTS.put("SOCK_CLOEXEC", LibC.SOCK_CLOEXEC);
        JAVA_CONSTANTS.put("O_CLOEXEC", LibC.O_CLOEXEC);
        JAVA_CONSTANTS.put("SOL_SOCKET", LibC.SOL_SOCKET);
        JAVA_CONSTANTS.put("SO_SNDBUF", LibC.SO_SNDBUF);
        JAVA_CONSTANTS.put("SO_SNDBUFFORCE", LibC.SO_SNDBUFFORCE);
        JAVA_CONSTANTS.put("SCM_RIGHTS", LibC.SCM_RIGHTS);
        JAVA_CONSTANTS.put("SCM_CREDENTIALS", LibC.SCM_CREDENTIALS);
        JAVA_CONSTANTS.put("MSG_NOSIGNAL", LibC.MSG_NOSIGNAL);
        JAVA_CONSTANTS.put("F_GETFD", LibC.F_GETFD);
        JAVA_CONSTANTS.put("F_SETFD", LibC.F_SETFD);
        JAVA_CONSTANTS.put("AT_FDCWD", LibC.AT_FDCWD);
        JAVA_CONSTANTS.put("AT_SYMLINK_NOFOLLOW", LibC.AT_SYMLINK_NOFOLLOW);
        JAVA_CONSTANTS.put("F_OK", LibC.F_OK);
        JAVA_CONSTANTS.put("CLOCK_MONOTONIC", LibC.CLOCK_MONOTONIC);
    }

    /** What the compiled program printed: key to value. */
    private static Map<String, Long> c;

    @BeforeAll
    static void compileAndRun(@TempDir Path dir) throws IOException, InterruptedException {
        Capabilities.require(Capabilities.onPath("gcc"), "needs gcc to compile the layout probe");
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
                "sys/uio.h", "time.h", "poll.h")) {
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
        for (String name : JAVA_CONSTANTS.keySet()) {
            p.append(String.format("    printf(\"const %s %%lld\\n\", (long long) (%s));%n", name, name));
        }
        p.append("    return 0;\n}\n");
        return p.toString();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
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

    private static long fromC(String key) {
        Long v = c.get(key);
        assertNotNull(v, () -> "the C program printed no value for " + key);
        return v;
    }

    @Test
    void everyMappedFieldIsListed() {
        List<Executable> checks = new ArrayList<>();
        for (Layout l : LAYOUTS) {
            FieldOrder order = l.create.get().getClass().getAnnotation(FieldOrder.class);
            checks.add(() -> assertEquals(l.fields, order == null ? null : Arrays.asList(order.value()),
                    l.name + ": the fields checked here must be exactly the mapped ones, in order"));
        }
        assertAll(checks);
    }

    @Test
    void structSizesMatchC() {
        List<Executable> checks = new ArrayList<>();
        for (Layout l : LAYOUTS) {
            int jna = l.create.get().size();
            checks.add(() -> assertEquals(fromC("sizeof " + l.name), jna, "sizeof " + l.name));
        }
        assertAll(checks);
    }

    @Test
    void fieldOffsetsMatchC() {
        List<Executable> checks = new ArrayList<>();
        for (Layout l : LAYOUTS) {
            CStruct s = l.create.get();
            for (String f : l.fields) {
                int jna = s.offsetOf(f);
                checks.add(() -> assertEquals(fromC("offsetof " + l.name + "." + f), jna,
                        "offsetof " + l.name + "." + f));
            }
        }
        assertAll(checks);
    }

    /** Trailing padding can hide a too-narrow last field (an int tv_nsec still gives a 16-byte timespec). */
    @Test
    void fieldSizesMatchC() throws ReflectiveOperationException {
        List<Executable> checks = new ArrayList<>();
        for (Layout l : LAYOUTS) {
            CStruct s = l.create.get();
            for (String f : l.fields) {
                Field field = s.getClass().getField(f);
                int jna = Native.getNativeSize(field.getType(), field.get(s));
                checks.add(() -> assertEquals(fromC("fieldsize " + l.name + "." + f), jna,
                        "sizeof " + l.name + "." + f));
            }
        }
        assertAll(checks);
    }

    @Test
    void cmsgLenMatchesC() {
        List<Executable> checks = new ArrayList<>();
        for (int n : CMSG_DATA_LENGTHS) {
            int jna = LibC.CMSG_LEN(n);
            checks.add(() -> assertEquals(fromC("CMSG_LEN " + n), jna, "CMSG_LEN(" + n + ")"));
        }
        assertAll(checks);
    }

    @Test
    void cmsgSpaceMatchesC() {
        List<Executable> checks = new ArrayList<>();
        for (int n : CMSG_DATA_LENGTHS) {
            int jna = LibC.CMSG_SPACE(n);
            checks.add(() -> assertEquals(fromC("CMSG_SPACE " + n), jna, "CMSG_SPACE(" + n + ")"));
        }
        assertAll(checks);
    }

    @Test
    void constantsMatchHeaders() {
        List<Executable> checks = new ArrayList<>();
        JAVA_CONSTANTS.forEach((name, jna) ->
                checks.add(() -> assertEquals(fromC("const " + name), (long) jna, "LibC." + name)));
        assertAll(checks);
    }
}
