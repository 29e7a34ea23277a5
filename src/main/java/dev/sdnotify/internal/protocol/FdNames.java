package dev.sdnotify.internal.protocol;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code LISTEN_FDNAMES} as libsystemd does, alike from v252 to 262 ({@code strv_split_full} with ":"
 * and {@code EXTRACT_DONT_COALESCE_SEPARATORS}): every colon separates, so empty names survive; a backslash
 * takes the next byte literally and is dropped; quotes are ordinary bytes; a trailing lone backslash
 * makes the whole value invalid.
 */
public final class FdNames {
    private FdNames() {}


    /** Returns the names, or {@code null} when the value ends in a lone backslash (libsystemd: -EINVAL). */
    public static List<byte[]> split(byte[] value) {
        List<byte[]> names = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        boolean escaped = false;
        for (byte b : value) {
            if (!escaped && b == '\\') {
                escaped = true;
            } else if (!escaped && b == ':') {
                names.add(current.toByteArray());
                current.reset();
            } else {
                current.write(b);
                escaped = false;
            }
        }
        if (escaped) {
            return null;
        }
        names.add(current.toByteArray());
        return names;
    }
}
