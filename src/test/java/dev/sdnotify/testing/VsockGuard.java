package dev.sdnotify.testing;

import dev.sdnotify.internal.protocol.CNumbers;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keeps tests away from AF_VSOCK. libsystemd 253 and later, and the java backend, send to
 * {@code NOTIFY_SOCKET=vsock:CID:PORT}; on a virtual machine CID 2 is the hypervisor, which no test may
 * contact. The helpers that set the C environment ask {@link #refuseVsockPeer} first, so a value that
 * any libsystemd from 253 to 262 would open an AF_VSOCK socket for never reaches a backend.
 *
 * <p>The check is written apart from the library's own parser, so a mistake there cannot open the gate, and
 * it errs towards refusing: the port and CID follow 262's grammar, a port of 4294967295 counts as valid
 * (253–255 accept it), and any CID or port text with a {@code 0b} counts as a number (Debian's 257 reads
 * {@code +0b1} as 1). What passes it fails while the address is parsed, in every version.
 */
public final class VsockGuard {
    private static final String[] PREFIXES = {"vsock:", "vsock-dgram:", "vsock-seqpacket:", "vsock-stream:"};
    private static final String[] CID_NAMES = {"hypervisor", "local", "host"};
    private static final long U32_MAX = 0xFFFFFFFFL;

    private VsockGuard() {}

    /** Thrown instead of setting a variable to a vsock peer's address. */
    public static final class Refused extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** Throws {@link Refused} when {@code name} is NOTIFY_SOCKET and {@code value} names a vsock peer. */
    public static void refuseVsockPeer(String name, byte[] value) {
        if ("NOTIFY_SOCKET".equals(name) && value != null && namesVsockPeer(value)) {
            throw new Refused("refusing NOTIFY_SOCKET=\"" + new String(value, StandardCharsets.ISO_8859_1)
                    + "\": libsystemd 253 or later would send it over AF_VSOCK (CID 2 is the hypervisor); "
                    + "test vsock through a mocked Posix, with an address that fails to parse otherwise");
        }
    }

    /** Whether some libsystemd from 253 on could open an AF_VSOCK socket for {@code value} (a C string). */
    public static boolean namesVsockPeer(byte[] value) {
        byte[] s = cString(value);
        int start = -1;
        for (String p : PREFIXES) {
            if (startsWith(s, p)) {
                start = p.length();
                break;
            }
        }
        if (start < 0) {
            return false;
        }
        int colon = indexOf(s, (byte) ':', start);
        if (colon < 0) {
            return false;
        }
        byte[] cid = Arrays.copyOfRange(s, start, colon);
        byte[] port = Arrays.copyOfRange(s, colon + 1, s.length);
        if (!mayBeU32(port, true)) {
            return false;
        }
        if (cid.length == 0) {
            // VMADDR_CID_ANY: refused before socket() in every version.
            return false;
        }
        String cidText = new String(cid, StandardCharsets.ISO_8859_1);
        for (String n : CID_NAMES) {
            if (n.equals(cidText)) {
                return true;
            }
        }
        return mayBeU32(cid, false);
    }

    /**
     * Whether {@code text} may parse as a u32 ({@code safe_atou}); 0xFFFFFFFF counts when {@code anyAllowed}
     * (a port), not for a CID (VMADDR_CID_ANY, always refused).
     */
    private static boolean mayBeU32(byte[] text, boolean anyAllowed) {
        long[] v = new long[1];
        if (CNumbers.parseU64(text, v) == 0) {
            return Long.compareUnsigned(v[0], U32_MAX) < 0 || (anyAllowed && v[0] == U32_MAX);
        }
        String t = new String(text, StandardCharsets.ISO_8859_1);
        return t.contains("0b") || t.contains("0B");
    }

    private static byte[] cString(byte[] v) {
        for (int i = 0; i < v.length; i++) {
            if (v[i] == 0) {
                return Arrays.copyOf(v, i);
            }
        }
        return v;
    }

    private static boolean startsWith(byte[] s, String prefix) {
        if (s.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (s[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] s, byte b, int from) {
        for (int i = from; i < s.length; i++) {
            if (s[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
