package dev.sdnotify.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sdnotify.testing.Capabilities;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LinuxAbi}'s tables, compared value by value with the kernel's uapi and glibc's headers of each
 * architecture it claims verified, as native-test/abi/verify-linux-abi.sh reads them from Debian's
 * cross headers (linux-libc-dev-ARCH-cross, libc6-dev-ARCH-cross).
 */
class LinuxAbiTest {
    /** The architectures LinuxAbi claims verified, as {@code os.arch} names them. */
    private static final List<String> VERIFIED =
            List.of("amd64", "aarch64", "riscv64", "s390x", "ppc64le", "ppc64");

    private static final Path SCRIPT = Path.of("native-test", "abi", "verify-linux-abi.sh");

    /** Header constant to the LinuxAbi field that carries it. */
    private static final Map<String, String> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("SOL_SOCKET", "solSocket");
        FIELDS.put("SO_TYPE", "soType");
        FIELDS.put("SO_SNDBUF", "soSndbuf");
        FIELDS.put("SO_SNDTIMEO", "soSndtimeo");
        FIELDS.put("SO_ACCEPTCONN", "soAcceptconn");
        FIELDS.put("SO_DOMAIN", "soDomain");
        FIELDS.put("SO_SNDBUFFORCE", "soSndbufforce");
        FIELDS.put("SO_COOKIE", "soCookie");
        FIELDS.put("STATFS_SIZE", "statfsSize");
        FIELDS.put("STATFS_F_TYPE_SIZE", "statfsFTypeSize");
        FIELDS.put("AF_UNIX", "AF_UNIX");
        FIELDS.put("AF_VSOCK", "AF_VSOCK");
        FIELDS.put("SOCK_STREAM", "SOCK_STREAM");
        FIELDS.put("SOCK_DGRAM", "SOCK_DGRAM");
        FIELDS.put("SOCK_SEQPACKET", "SOCK_SEQPACKET");
        FIELDS.put("SOCK_CLOEXEC", "SOCK_CLOEXEC");
        FIELDS.put("O_CLOEXEC", "O_CLOEXEC");
        FIELDS.put("SCM_RIGHTS", "SCM_RIGHTS");
        FIELDS.put("SCM_CREDENTIALS", "SCM_CREDENTIALS");
        FIELDS.put("MSG_DONTWAIT", "MSG_DONTWAIT");
        FIELDS.put("MSG_NOSIGNAL", "MSG_NOSIGNAL");
        FIELDS.put("F_GETFD", "F_GETFD");
        FIELDS.put("F_SETFD", "F_SETFD");
        FIELDS.put("F_GETFL", "F_GETFL");
        FIELDS.put("FD_CLOEXEC", "FD_CLOEXEC");
        FIELDS.put("SHUT_WR", "SHUT_WR");
        FIELDS.put("SYS_pidfd_open", "SYS_PIDFD_OPEN");
        FIELDS.put("AT_EMPTY_PATH", "AT_EMPTY_PATH");
        FIELDS.put("STATX_INO", "STATX_INO");
        FIELDS.put("STATX_SIZE", "STATX_SIZE");
        FIELDS.put("STATX_INO_OFFSET", "STATX_INO_OFFSET");
    }

    /** What the script said about one architecture. */
    private static final class ArchReport {
        final Map<String, Long> values = new LinkedHashMap<>();
        String missing;
    }

    private static Map<String, ArchReport> headers;
    private static String scriptOutput;

    /** Runs the script once; skips (fails under CI) without gcc. */
    private static synchronized Map<String, ArchReport> headers() throws IOException, InterruptedException {
        if (headers != null) {
            return headers;
        }
        assertTrue(Files.isRegularFile(SCRIPT), () -> SCRIPT.toAbsolutePath() + " is missing");
        Capabilities.require(Capabilities.onPath("gcc"), "needs gcc (Debian package gcc) to read the headers");
        Process process = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true).start();
        String output;
        try {
            process.getOutputStream().close();
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                fail(SCRIPT + " did not finish within 120 s");
            }
        } finally {
            process.destroyForcibly();
        }
        int exit = process.exitValue();
        // 0: all evaluated; 3: some architecture's headers are not installed (reported per architecture).
        if (exit != 0 && exit != 3) {
            fail(SCRIPT + " failed with exit status " + exit + ":\n" + output);
        }
        Map<String, ArchReport> parsed = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (line.isBlank() || line.startsWith("verify-linux-abi:")) {
                continue;
            }
            String[] words = line.split(" ", 3);
            if (words.length < 2) {
                fail("unexpected line from " + SCRIPT + ": " + line);
            }
            ArchReport report = parsed.computeIfAbsent(words[0], a -> new ArchReport());
            String rest = words.length == 3 ? words[2] : "";
            if (words[1].equals("MISSING")) {
                report.missing = rest;
            } else {
                try {
                    report.values.put(words[1], Long.parseLong(rest));
                } catch (NumberFormatException e) {
                    fail("unexpected line from " + SCRIPT + ": " + line);
                }
            }
        }
        assertEquals(exit == 3, parsed.values().stream().anyMatch(r -> r.missing != null),
                () -> "exit status " + exit + " but MISSING lines disagree:\n" + output);
        scriptOutput = output;
        headers = parsed;
        return parsed;
    }

    private static int field(LinuxAbi abi, String name) {
        try {
            Field f = LinuxAbi.class.getField(name);
            return f.getInt(Modifier.isStatic(f.getModifiers()) ? null : abi);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("LinuxAbi has no public int field " + name, e);
        }
    }

    @Test
    void everyPublicFieldIsChecked() {
        TreeSet<String> publicInts = Arrays.stream(LinuxAbi.class.getFields())
                .filter(f -> f.getType() == int.class)
                .map(Field::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(FIELDS.values()), publicInts,
                "every constant LinuxAbi carries must be compared with the headers here");
    }

    @Test
    void theClaimNamesExactlyTheCheckedArchitectures() {
        for (String arch : VERIFIED) {
            LinuxAbi abi = LinuxAbi.forArch(arch);
            assertNull(abi.unverifiedReason(), arch + " must be verified");
        }
        String reason = LinuxAbi.forArch("mips64el").unverifiedReason();
        assertNotNull(reason);
        assertTrue(reason.contains("(verified: " + String.join(", ", VERIFIED) + ")"),
                () -> "the architectures the message claims must be those this test checks: " + reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"loongarch64", "mips64el", "mips64", "sparcv9", "alpha", "parisc64", "ppc", "arm", "x86", "i386", ""})
    void unknownArchitecturesAreNotVerified(String arch) {
        LinuxAbi abi = LinuxAbi.forArch(arch);
        assertNotNull(abi.unverifiedReason(), arch);
        assertTrue(abi.unverifiedReason().contains("os.arch=" + arch + " "), abi.unverifiedReason());
    }

    @Test
    void x8664IsAmd64() {
        LinuxAbi amd64 = LinuxAbi.forArch("amd64");
        LinuxAbi x8664 = LinuxAbi.forArch("x86_64");
        assertNull(x8664.unverifiedReason());
        assertAll(FIELDS.values().stream()
                .map(f -> (Executable) () -> assertEquals(field(amd64, f), field(x8664, f), f)));
    }

    @TestFactory
    List<DynamicTest> everyValueMatchesTheHeaders() throws IOException, InterruptedException {
        Map<String, ArchReport> reports = headers();
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("the script reports only claimed architectures", () -> {
            for (String arch : reports.keySet()) {
                assertTrue(VERIFIED.contains(arch), () -> "the script checks " + arch
                        + " but this test does not list it:\n" + scriptOutput);
                assertNull(LinuxAbi.forArch(arch).unverifiedReason(), arch + " must be verified");
            }
        }));
        for (String arch : VERIFIED) {
            tests.add(DynamicTest.dynamicTest(arch, () -> {
                ArchReport report = reports.get(arch);
                assertNotNull(report, () -> "the script said nothing about " + arch + ":\n" + scriptOutput);
                if (report.missing != null) {
                    Capabilities.require(false, arch + "'s cross headers are not installed: apt-get install -y "
                            + "--no-install-recommends " + report.missing.trim());
                }
                LinuxAbi abi = LinuxAbi.forArch(arch);
                assertNull(abi.unverifiedReason(), arch);
                assertEquals(FIELDS.keySet(), report.values.keySet(),
                        () -> "the constants the script printed for " + arch);
                assertAll(FIELDS.entrySet().stream().map(e -> (Executable) () -> assertEquals(
                        (long) report.values.get(e.getKey()), (long) field(abi, e.getValue()),
                        () -> arch + ": LinuxAbi." + e.getValue() + " against the headers' " + e.getKey())));
            }));
        }
        return tests;
    }
}
