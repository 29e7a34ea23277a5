package dev.sdnotify.internal.protocol;

import dev.sdnotify.internal.protocol.NotifyAddress.InvalidAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An AF_VSOCK {@code NOTIFY_SOCKET}, as libsystemd 262 reads it ({@code socket_address_parse_vsock}):
 * {@code vsock:CID:PORT}, or {@code vsock-dgram:}, {@code vsock-seqpacket:}, {@code vsock-stream:} to force the
 * socket type (v254). The CID is the text before the first colon: a number, {@code hypervisor} (0),
 * {@code local} (1), {@code host} (2) (v256), or {@code any} or {@code -1}, which mean VMADDR_CID_ANY (262),
 * as an empty CID does; the PORT is everything after that colon, and is parsed first. A CID of
 * VMADDR_CID_ANY is refused with EINVAL, since a notification needs a peer.
 */
public final class VsockAddress {
    /** The socket types a vsock address may force. */
    public enum Type { DGRAM, SEQPACKET, STREAM }

    /** VMADDR_CID_ANY and VMADDR_PORT_ANY: -1U. */
    public static final int ANY = -1;

    /** The prefixes, exact and case-sensitive, and the type each forces (null: chosen when sending). */
    private static final String[] PREFIXES = {"vsock:", "vsock-dgram:", "vsock-seqpacket:", "vsock-stream:"};
    private static final Type[] FORCED = {null, Type.DGRAM, Type.SEQPACKET, Type.STREAM};
    private static final String[] CID_NAMES = {"hypervisor", "local", "host"};

    private final Type forcedType;
    private final int cid;
    private final int port;

    private VsockAddress(Type forcedType, int cid, int port) {
        this.forcedType = forcedType;
        this.cid = cid;
        this.port = port;
    }

    /** The address {@code forcedType}, {@code cid}, {@code port}, as parsing one would give it. */
    public static VsockAddress of(Type forcedType, int cid, int port) {
        return new VsockAddress(forcedType, cid, port);
    }

    /** The length of {@code value}'s vsock prefix, or 0 when it has none. */
    static int prefixLength(byte[] value) {
        int i = prefixIndex(value);
        return i < 0 ? 0 : PREFIXES[i].length();
    }

    private static int prefixIndex(byte[] value) {
        int length = CString.length(value);
        for (int i = 0; i < PREFIXES.length; i++) {
            String p = PREFIXES[i];
            if (length >= p.length() && startsWith(value, p)) {
                return i;
            }
        }
        return -1;
    }

    /** Parses a value that has a vsock prefix; throws with libsystemd's errno otherwise. */
    static VsockAddress parse(byte[] value) throws InvalidAddress {
        int kind = prefixIndex(value);
        int length = CString.length(value);
        int start = PREFIXES[kind].length();
        int colon = -1;
        for (int i = start; i < length; i++) {
            if (value[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            throw new InvalidAddress(-Errno.EINVAL, "has no ':' between CID and port (vsock:CID:PORT)");
        }
        long[] v = new long[1];
        int r = CNumbers.parseU32(Arrays.copyOfRange(value, colon + 1, length), v);
        if (r < 0) {
            throw new InvalidAddress(r, "has a port that is not a number in 0..4294967294");
        }
        if (v[0] == 0xFFFFFFFFL) {
            throw new InvalidAddress(-Errno.EINVAL, "has port 4294967295 (VMADDR_PORT_ANY), which names no port");
        }
        int port = (int) v[0];
        int cid = cid(Arrays.copyOfRange(value, start, colon));
        if (cid == ANY) {
            // sd-daemon's own check, still before any socket is opened.
            throw new InvalidAddress(-Errno.EINVAL, "names no CID (empty, any, -1 or 4294967295 is VMADDR_CID_ANY): "
                    + "give the peer's CID, or host, hypervisor or local");
        }
        return new VsockAddress(FORCED[kind], cid, port);
    }

    /** {@code vsock_parse_cid}, with 262's aliases for VMADDR_CID_ANY; an empty text is ANY too. */
    private static int cid(byte[] text) throws InvalidAddress {
        if (text.length == 0) {
            return ANY;
        }
        for (int i = 0; i < CID_NAMES.length; i++) {
            if (Arrays.equals(text, bytes(CID_NAMES[i]))) {
                return i;
            }
        }
        if (Arrays.equals(text, bytes("any")) || Arrays.equals(text, bytes("-1"))) {
            return ANY;
        }
        long[] v = new long[1];
        int r = CNumbers.parseU32(text, v);
        if (r < 0) {
            throw new InvalidAddress(r, "has a CID that is not a number in 0..4294967294 nor hypervisor, local "
                    + "or host");
        }
        return (int) v[0];
    }

    private static byte[] bytes(String ascii) {
        byte[] b = new byte[ascii.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ascii.charAt(i);
        }
        return b;
    }

    private static boolean startsWith(byte[] value, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (value[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The type the prefix forces, or null for {@code vsock:} (a datagram, or what the kernel has instead). */
    public Type forcedType() {
        return forcedType;
    }

    /**
     * {@code struct sockaddr_vm} for {@code cid} and {@code port}: the family (u16), two reserved bytes, the port
     * and the CID (u32 each), and four zero bytes.
     */
    public static byte[] sockaddr(int cid, int port) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putShort(0, (short) 40 /* AF_VSOCK */)
                .putInt(4, port).putInt(8, cid).array();
    }

    /** {@link #sockaddr(int, int)} of this address. */
    public byte[] sockaddr() {
        return sockaddr(cid, port);
    }

    /** The peer's CID, an unsigned 32-bit number. */
    public int cid() {
        return cid;
    }

    /** The peer's port, an unsigned 32-bit number. */
    public int port() {
        return port;
    }

    @Override
    public String toString() {
        return "vsock" + (forcedType == null ? "" : "-" + forcedType.name().toLowerCase(java.util.Locale.ROOT)) + ":"
                + Integer.toUnsignedString(cid) + ":" + Integer.toUnsignedString(port);
    }
}
