package dev.sdnotify.internal.protocol;

import dev.sdnotify.internal.protocol.NotifyAddress.InvalidAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

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
    private static final List<String> PREFIXES = List.of("vsock:", "vsock-dgram:", "vsock-seqpacket:", "vsock-stream:");
    private static final Type[] FORCED = {null, Type.DGRAM, Type.SEQPACKET, Type.STREAM};
    private static final List<String> CID_NAMES = List.of("hypervisor", "local", "host");

    private final Type forcedType;
    private final byte[] sockaddr;

    private VsockAddress(Type forcedType, int cid, int port) {
        this.forcedType = forcedType;
        this.sockaddr = sockaddr(cid, port);
    }

    /**
     * Parses a value (its bytes as ISO-8859-1 characters, up to the NUL); null when it has no vsock prefix, and
     * throws with libsystemd's errno when it has one but is malformed.
     */
    static VsockAddress parse(String value) throws InvalidAddress {
        int kind = 0;
        while (kind < PREFIXES.size() && !value.startsWith(PREFIXES.get(kind))) {
            kind++;
        }
        if (kind == PREFIXES.size()) {
            return null;
        }
        int start = PREFIXES.get(kind).length();
        int colon = value.indexOf(':', start);
        if (colon < 0) {
            throw new InvalidAddress(-Errno.EINVAL, "has no ':' between CID and port (vsock:CID:PORT)");
        }
        long[] port = new long[1];
        int r = CNumbers.parseU32(value.substring(colon + 1).getBytes(StandardCharsets.ISO_8859_1), port);
        if (r < 0) {
            throw new InvalidAddress(r, "has a port that is not a number in 0..4294967294");
        }
        if (port[0] == 0xFFFFFFFFL) {
            throw new InvalidAddress(-Errno.EINVAL, "has port 4294967295 (VMADDR_PORT_ANY), which names no port");
        }
        int cid = cid(value.substring(start, colon));
        if (cid == ANY) {
            // sd-daemon's own check, still before any socket is opened.
            throw new InvalidAddress(-Errno.EINVAL, "names no CID (empty, any, -1 or 4294967295 is VMADDR_CID_ANY): "
                    + "give the peer's CID, or host, hypervisor or local");
        }
        return new VsockAddress(FORCED[kind], cid, (int) port[0]);
    }

    /** {@code vsock_parse_cid}, with 262's aliases for VMADDR_CID_ANY; an empty text is ANY too. */
    private static int cid(String text) throws InvalidAddress {
        if (text.isEmpty() || text.equals("any") || text.equals("-1")) {
            return ANY;
        }
        if (CID_NAMES.contains(text)) {
            return CID_NAMES.indexOf(text);
        }
        long[] v = new long[1];
        int r = CNumbers.parseU32(text.getBytes(StandardCharsets.ISO_8859_1), v);
        if (r < 0) {
            throw new InvalidAddress(r, "has a CID that is not a number in 0..4294967294 nor hypervisor, local "
                    + "or host");
        }
        return (int) v[0];
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

    /** The peer's {@link #sockaddr(int, int)}. Not to be changed. */
    public byte[] sockaddr() {
        return sockaddr;
    }
}
