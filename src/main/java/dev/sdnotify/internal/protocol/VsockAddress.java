package dev.sdnotify.internal.protocol;

/** An AF_VSOCK {@code NOTIFY_SOCKET} ({@code vsock:CID:PORT} and its typed forms), as libsystemd 262 reads it. */
public final class VsockAddress {
    /** The prefixes {@code socket_address_parse_vsock} knows, exact and case-sensitive. */
    private static final String[] PREFIXES = {"vsock:", "vsock-dgram:", "vsock-seqpacket:", "vsock-stream:"};

    private VsockAddress() {}

    /** The length of {@code value}'s vsock prefix, or 0 when it has none. */
    static int prefixLength(byte[] value) {
        for (String p : PREFIXES) {
            if (startsWith(value, p)) {
                return p.length();
            }
        }
        return 0;
    }

    private static boolean startsWith(byte[] value, String prefix) {
        int n = prefix.length();
        if (CString.length(value) < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (value[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
