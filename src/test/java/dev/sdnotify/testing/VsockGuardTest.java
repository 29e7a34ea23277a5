package dev.sdnotify.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The harness guard: no helper that sets the C environment lets through a NOTIFY_SOCKET that a libsystemd
 * from 253 on would send over AF_VSOCK. Nothing here sends: the guard is only asked, and the values it lets
 * through are those that fail while the address is parsed.
 */
@ExtendWith(CleanEnvironment.class)
class VsockGuardTest {
    static final String NS = "NOTIFY_SOCKET";

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vsock:2:1234", "vsock-stream:1:2", "vsock-dgram:2:5", "vsock-seqpacket:3:5",
        "vsock:host:5", "vsock:hypervisor:5", "vsock:local:5", "vsock:0:0", "vsock: 1:5", "vsock:+1:5",
        "vsock:01:5", "vsock:0x1:5", "vsock:0b1:5", "vsock:-0:5", "vsock:1:+5", "vsock:1:-0", "vsock:1:0x5",
        "vsock:4294967294:5",
        // Port VMADDR_PORT_ANY: 253 to 255 accept it.
        "vsock:1:4294967295",
        // Debian's 257 (C23 strtoul) reads a 0b prefix after a sign or space.
        "vsock:+0b1:5", "vsock:1:+0b101"})
    void refusesEveryPeerAddress(String value) {
        assertTrue(VsockGuard.namesVsockPeer(b(value)), value);
        assertThrows(VsockGuard.Refused.class, () -> VsockGuard.refuseVsockPeer(NS, b(value)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/run/systemd/notify", "@abs", "relative", "vsock", "VSOCK:1:5", "vsockx:1:5",
        "vsock-foo:1:5", "vsock:", "vsock:1", "vsock:1:", "vsock:1:x", "vsock:1:5:6", "vsock:1:5 ", "vsock::5",
        "vsock-stream::5", "vsock-seqpacket:1", "vsock:any:5", "vsock:-1:5", "vsock:4294967295:5", "vsock:-2:5",
        "vsock:4294967296:5", "vsock:1:-1", "vsock:1:4294967296", "vsock:HOST:5", "vsock:hostx:5",
        "vsock:abc:5", "vsock:0x:5", "vsock:1 :5", "vsock:host:x"})
    void letsThroughWhatFailsWhileParsing(String value) {
        assertFalse(VsockGuard.namesVsockPeer(b(value)), value);
        VsockGuard.refuseVsockPeer(NS, b(value));
    }

    @Test
    void onlyNotifySocketIsGuarded() {
        VsockGuard.refuseVsockPeer("STATUS_TEXT", b("vsock:2:1234"));
        VsockGuard.refuseVsockPeer(NS, null);
    }

    @Test
    void theValueEndsAtItsFirstNul() {
        assertTrue(VsockGuard.namesVsockPeer(b("vsock:2:5\0junk")));
        assertFalse(VsockGuard.namesVsockPeer(b("vsock:2\0:5")));
    }

    @Test
    void cEnvRefusesBeforeSetting() {
        CEnv.set(NS, "/run/before");
        assertThrows(VsockGuard.Refused.class, () -> CEnv.set(NS, "vsock:2:1234"));
        assertEquals("/run/before", CEnv.getString(NS), "the variable is left as it was");
        CEnv.unset(NS);
        assertThrows(VsockGuard.Refused.class, () -> CEnv.set(NS, b("vsock-stream:host:9")));
        assertNull(CEnv.get(NS));
    }

    @Test
    void fastLibcRefusesBeforeSetting() {
        FastLibc.setVariable(NS, b("@before"));
        assertThrows(VsockGuard.Refused.class, () -> FastLibc.setVariable(NS, b("vsock:1:4294967295")));
        assertArrayEquals(b("@before"), FastLibc.getVariable(NS));
        FastLibc.setVariable(NS, b("vsock:1:x"));
        assertArrayEquals(b("vsock:1:x"), FastLibc.getVariable(NS));
    }
}
