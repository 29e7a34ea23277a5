package dev.sdnotify.internal.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The socket address named by {@code NOTIFY_SOCKET}, as libsystemd 262 builds it: a value that starts with
 * {@code /} or {@code @} is an AF_UNIX address ({@code sockaddr_un_set_path}: at least two bytes, and short
 * enough to leave room for a terminating NUL in {@code sun_path[108]}); one with a vsock prefix is an
 * AF_VSOCK address ({@link VsockAddress}, v253); any other value is refused with EPROTO
 * ({@code socket_address_parse_unix}; v252 said EINVAL).
 */
public final class NotifyAddress {
    /** {@code sizeof(((struct sockaddr_un *) 0)->sun_path)} on Linux. */
    public static final int SUN_PATH_SIZE = 108;
    /** {@code offsetof(struct sockaddr_un, sun_path)}: the two-byte {@code sun_family}. */
    public static final int SUN_PATH_OFFSET = 2;

    /** Linux's AF_UNIX, the same on every architecture. */
    private static final short AF_UNIX = 1;

    private final byte[] variable;
    private final byte[] sockaddr;
    private final VsockAddress vsock;

    private NotifyAddress(byte[] variable, byte[] sockaddr, VsockAddress vsock) {
        this.variable = variable.clone();
        this.sockaddr = sockaddr;
        this.vsock = vsock;
    }

    /**
     * Parses the variable's bytes; returns the address, or throws {@link InvalidAddress} carrying the
     * negative errno libsystemd returns for it.
     */
    public static NotifyAddress parse(byte[] value) throws InvalidAddress {
        int length = CString.length(value);
        // The first byte decides the family before any length is looked at: "" is EPROTO, "/" EINVAL.
        byte first = length > 0 ? value[0] : 0;
        if (first != '/' && first != '@') {
            VsockAddress vsock = VsockAddress.parse(new String(value, 0, length, StandardCharsets.ISO_8859_1));
            if (vsock == null) {
                throw new InvalidAddress(-Errno.EPROTO, "is neither an absolute path, an @abstract name nor a "
                        + "vsock address (vsock:CID:PORT); set it to the supervisor's socket");
            }
            return new NotifyAddress(value, null, vsock);
        }
        if (length < 2) {
            throw new InvalidAddress(-Errno.EINVAL, "is shorter than two bytes");
        }
        if (length + 1 > SUN_PATH_SIZE) {
            throw new InvalidAddress(first == '@' ? -Errno.EINVAL : -Errno.ENAMETOOLONG, "is " + length
                    + " bytes long; at most " + (SUN_PATH_SIZE - 1) + " fit in sockaddr_un");
        }
        // Abstract names are not NUL-terminated on the wire: the length covers the name only.
        ByteBuffer address = ByteBuffer.allocate(SUN_PATH_OFFSET + length + (first == '@' ? 0 : 1))
                .order(ByteOrder.nativeOrder()).putShort(AF_UNIX).put(value, 0, length);
        if (first == '@') {
            address.put(SUN_PATH_OFFSET, (byte) 0);
        }
        return new NotifyAddress(value, address.array(), null);
    }

    /** Whether {@code value} is the variable this address was parsed from, byte for byte. */
    public boolean parsedFrom(byte[] value) {
        return Arrays.equals(variable, value);
    }

    /** The AF_VSOCK address, or null for an AF_UNIX one. */
    public VsockAddress vsock() {
        return vsock;
    }

    /**
     * The {@code struct sockaddr_un}, {@code msg_namelen} bytes long: the family, then the path with its NUL, or
     * a NUL and the abstract name without one; null for vsock. Not to be changed.
     */
    public byte[] sockaddr() {
        return sockaddr;
    }

    /** Why a {@code NOTIFY_SOCKET} value is refused, with the errno libsystemd gives for it. */
    public static final class InvalidAddress extends Exception {
        private static final long serialVersionUID = 1L;
        private final int result;

        InvalidAddress(int result, String reason) {
            super(reason);
            this.result = result;
        }

        /** The negative errno, as the seam returns it. */
        public int result() {
            return result;
        }
    }
}
