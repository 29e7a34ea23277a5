package dev.sdnotify.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** NOTIFY_SOCKET parsing, §2 step 4 and vectors N19–N23. */
class NotifyAddressTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                // N19: neither / nor @ nor a vsock prefix is EPROTO (v253+), decided before the length
                argumentSet("empty", "", -71),
                argumentSet("\"x\"", "x", -71),
                argumentSet("relative path", "relative/x", -71),
                argumentSet("dot path", "./x", -71),
                argumentSet("leading space", " /abs", -71),
                argumentSet("two bytes, neither / nor @", "ab", -71),
                argumentSet("unix: prefix", "unix:/p", -71),
                argumentSet("VSOCK: upper case", "VSOCK:1:5", -71),
                argumentSet("vsockx:", "vsockx:1:5", -71),
                argumentSet("vsock-foo:", "vsock-foo:1:5", -71),
                argumentSet("NUL first", "\0/abs", -71),
                // one byte of / or @: too short, EINVAL
                argumentSet("\"/\" (one byte)", "/", -22),
                argumentSet("\"@\" (one byte)", "@", -22),
                argumentSet("vsock, port not a number", "vsock:1:x", -22),
                // N20: no room for the terminating NUL
                argumentSet("path of 108 bytes", "/" + repeat('p', 107), -36),
                argumentSet("path of 200 bytes", "/" + repeat('p', 199), -36),
                // N22: same limit, but abstract names get EINVAL
                argumentSet("abstract of 108 bytes", "@" + repeat('a', 107), -22),
                argumentSet("abstract of 200 bytes", "@" + repeat('a', 199), -22));
    }

    @ParameterizedTest
    @MethodSource
    void refused(String value, int expected) {
        NotifyAddress.InvalidAddress e =
                assertThrows(NotifyAddress.InvalidAddress.class, () -> NotifyAddress.parse(b(value)));
        assertEquals(expected, e.result());
    }

    /** msg_namelen: the whole struct sockaddr_un as it is sent. */
    static int length(NotifyAddress a) {
        byte[] sockaddr = a.sockaddr();
        assertEquals(1, java.nio.ByteBuffer.wrap(sockaddr).order(java.nio.ByteOrder.nativeOrder()).getShort(0),
                "sun_family is AF_UNIX, in native byte order");
        return sockaddr.length;
    }

    /** The bytes of sun_path that matter: a path without its NUL, or a NUL and the abstract name. */
    static byte[] sunPath(NotifyAddress a) {
        byte[] sockaddr = a.sockaddr();
        int end = isAbstract(a) ? sockaddr.length : sockaddr.length - 1;
        if (!isAbstract(a)) {
            assertEquals(0, sockaddr[end], "a path ends in a NUL within the length");
        }
        return java.util.Arrays.copyOfRange(sockaddr, 2, end);
    }

    static boolean isAbstract(NotifyAddress a) {
        return a.sockaddr()[2] == 0;
    }

    @Test
    void pathIsNulTerminatedAndCountedWithTheNul() throws Exception {
        NotifyAddress a = NotifyAddress.parse(b("/run/x"));
        assertEquals(2 + 6 + 1, length(a));
        assertArrayEquals(b("/run/x"), sunPath(a));
        assertFalse(isAbstract(a));
    }

    @Test
    void shortestPath() throws Exception {
        NotifyAddress a = NotifyAddress.parse(b("/x"));
        assertEquals(2 + 2 + 1, length(a));
        assertArrayEquals(b("/x"), sunPath(a));
    }

    @Test
    void longestPathFits() throws Exception {
        // N21: 107 bytes plus the NUL fill sun_path[108] exactly
        String path = "/" + repeat('p', 106);
        NotifyAddress a = NotifyAddress.parse(b(path));
        assertEquals(2 + 107 + 1, length(a));
        assertArrayEquals(b(path), sunPath(a));
        assertFalse(isAbstract(a));
    }

    @Test
    void abstractNameStartsWithNulAndExcludesTrailingNul() throws Exception {
        // N23
        NotifyAddress a = NotifyAddress.parse(b("@abs"));
        assertEquals(2 + 4, length(a));
        assertArrayEquals(new byte[] {0, 'a', 'b', 's'}, sunPath(a));
        assertTrue(isAbstract(a));
    }

    @Test
    void shortestAbstractName() throws Exception {
        NotifyAddress a = NotifyAddress.parse(b("@x"));
        assertEquals(2 + 2, length(a));
        assertArrayEquals(new byte[] {0, 'x'}, sunPath(a));
        assertTrue(isAbstract(a));
    }

    @Test
    void longestAbstractNameFits() throws Exception {
        // N22: '@' plus 106 bytes
        NotifyAddress a = NotifyAddress.parse(b("@" + repeat('a', 106)));
        assertEquals(2 + 107, length(a));
        byte[] sun = sunPath(a);
        assertEquals(107, sun.length);
        assertEquals(0, sun[0]);
        for (int i = 1; i < sun.length; i++) {
            assertEquals('a', sun[i], "byte " + i);
        }
        assertTrue(isAbstract(a));
    }

    @Test
    void pathIsNotNormalised() throws Exception {
        assertArrayEquals(b("//x"), sunPath(NotifyAddress.parse(b("//x"))));
        NotifyAddress a = NotifyAddress.parse(b("/a/../b"));
        assertArrayEquals(b("/a/../b"), sunPath(a));
        assertEquals(2 + 7 + 1, length(a));
    }

    @Test
    void nonAsciiBytesPassVerbatim() throws Exception {
        byte[] value = {'/', 't', (byte) 0xff, (byte) 0xc3};
        NotifyAddress a = NotifyAddress.parse(value);
        assertArrayEquals(value, sunPath(a));
        assertEquals(2 + 4 + 1, length(a));
    }
}
