package dev.sdnotify.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sdnotify.internal.protocol.VsockAddress.Type;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * D2: AF_VSOCK NOTIFY_SOCKET values as libsystemd 262 parses them (research vectors, §3.1). Parsing only: no
 * address here reaches a socket.
 */
class VsockAddressTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "\"{0}\" → type {1}, CID {2}, port {3}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, nullValues = "auto", value = {
        "vsock:1:5|auto|1|5", "vsock:+1:5|auto|1|5", "vsock: 1:5|auto|1|5", "vsock:01:5|auto|1|5",
        "vsock:0x1:5|auto|1|5", "vsock:0b1:5|auto|1|5", "vsock:-0:5|auto|0|5", "vsock:1:+5|auto|1|5",
        "vsock:1: 5|auto|1|5", "vsock:1:-0|auto|1|0", "vsock:1:0x5|auto|1|5", "vsock:2:0|auto|2|0",
        "vsock:host:5|auto|2|5", "vsock:hypervisor:5|auto|0|5", "vsock:local:5|auto|1|5",
        "vsock:4294967294:4294967294|auto|4294967294|4294967294",
        "vsock-dgram:host:7|DGRAM|2|7", "vsock-seqpacket:3:9|SEQPACKET|3|9", "vsock-stream:3:9|STREAM|3|9"})
    void parsed(String value, Type type, long cid, long port) throws Exception {
        VsockAddress a = NotifyAddress.parse(b(value)).vsock();
        assertNotNull(a, value);
        assertEquals(type, a.forcedType());
        assertArrayEquals(VsockAddress.sockaddr((int) cid, (int) port), a.sockaddr());
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
        // VMADDR_CID_ANY, whichever way it is written (any and -1 are 262's), and VMADDR_PORT_ANY
        "vsock::5|-22", "vsock:any:5|-22", "vsock:-1:5|-22", "vsock:4294967295:5|-22", "vsock:1:4294967295|-22",
        "vsock-stream::5|-22",
        // not numbers, or not names (exact, case-sensitive)
        "vsock:HOST:5|-22", "vsock:hostx:5|-22", "vsock:abc:5|-22", "vsock:0x:5|-22", "vsock:1 :5|-22",
        // out of range
        "vsock:-2:5|-34", "vsock:-4294967295:5|-34", "vsock:4294967296:5|-34", "vsock:18446744073709551615:5|-34",
        "vsock:1:-1|-34", "vsock:1:4294967296|-34",
        // no colon, empty or malformed port
        "vsock:|-22", "vsock:1|-22", "vsock:1:|-22", "vsock:1:x|-22", "vsock:1:5:6|-22", "vsock:1:5 |-22",
        "vsock:1:0b2|-22", "vsock-dgram:|-22", "vsock-seqpacket:1|-22", "vsock:host:x|-22",
        // the port is parsed first: its error wins over the CID's
        "vsock:-2:x|-22", "vsock:abc:4294967296|-34", "vsock:-2:4294967295|-22"})
    void refused(String value, int expected) {
        NotifyAddress.InvalidAddress e =
                assertThrows(NotifyAddress.InvalidAddress.class, () -> NotifyAddress.parse(b(value)));
        assertEquals(expected, e.result(), value + ": " + e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"/run/x", "@abs"})
    void unixAddressesHaveNoVsockPart(String value) throws Exception {
        assertNull(NotifyAddress.parse(b(value)).vsock());
    }
}
