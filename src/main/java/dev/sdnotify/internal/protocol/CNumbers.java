package dev.sdnotify.internal.protocol;

/**
 * libsystemd's number parsers ({@code safe_atou64}, {@code parse_pid}, {@code safe_atoi}) over the raw
 * bytes of an environment variable, including C {@code strtoull}/{@code strtol} quirks: leading
 * whitespace, one sign, {@code 0x} hex and leading-zero octal in base 0, and the extra {@code 0b}/{@code 0o}
 * prefixes systemd strips itself.
 *
 * <p>Results follow the C convention of the seam: a parser returns {@code -errno} on failure, so each
 * method writes the parsed value into {@code out[0]} and returns 0 or a negative errno.
 */
public final class CNumbers {

    private CNumbers() {}

    /** {@code safe_atou64}: unsigned 64-bit (read the result with {@link Long#toUnsignedString}). */
    public static int parseU64(byte[] s, long[] out) {
        int start = skipSystemdWhitespace(s, 0);
        int base = 0;
        if (hasPrefix(s, start, 'b')) {
            base = 2;
            start += 2;
        } else if (hasPrefix(s, start, 'o')) {
            base = 8;
            start += 2;
        }
        Strto r = strto(s, start, base, false);
        if (r.errno != 0) {
            return -r.errno;
        }
        if (r.end == start || r.end != s.length) {
            return -Errno.EINVAL;
        }
        if (r.value != 0 && start < s.length && s[start] == '-') {
            return -Errno.ERANGE;
        }
        out[0] = r.value;
        return 0;
    }

    /** {@code safe_atou}: {@code safe_atou64}'s rules, then at most 4294967295 (ERANGE above). */
    public static int parseU32(byte[] s, long[] out) {
        int r = parseU64(s, out);
        if (r < 0) {
            return r;
        }
        if (Long.compareUnsigned(out[0], 0xFFFFFFFFL) > 0) {
            return -Errno.ERANGE;
        }
        return 0;
    }

    /** {@code parse_pid}: a u64 that must lie in 1..2147483647. */
    public static int parsePid(byte[] s, long[] out) {
        int r = parseU64(s, out);
        if (r < 0) {
            return r;
        }
        if (out[0] <= 0 || out[0] > Integer.MAX_VALUE) {
            return -Errno.ERANGE;
        }
        return 0;
    }

    /** {@code safe_atoi}: C {@code strtol} after the systemd prefixes, then range-checked to int. */
    public static int parseInt(byte[] s, long[] out) {
        int start = skipSystemdWhitespace(s, 0);
        int base = 0;
        if (hasPrefix(s, start, 'b')) {
            base = 2;
            start += 2;
        } else if (hasPrefix(s, start, 'o')) {
            base = 8;
            start += 2;
        }
        Strto r = strto(s, start, base, true);
        if (r.errno != 0) {
            return -r.errno;
        }
        if (r.end == start || r.end != s.length) {
            return -Errno.EINVAL;
        }
        if (r.value != (int) r.value) {
            return -Errno.ERANGE;
        }
        out[0] = r.value;
        return 0;
    }

    /** systemd's WHITESPACE set: space, tab, newline, carriage return (not \v or \f). */
    private static int skipSystemdWhitespace(byte[] s, int i) {
        while (i < s.length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
            i++;
        }
        return i;
    }

    private static boolean hasPrefix(byte[] s, int i, char lowerLetter) {
        return i + 1 < s.length && s[i] == '0' && (s[i + 1] | 0x20) == lowerLetter;
    }

    /** C isspace in the C locale. */
    private static boolean isCSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    private static int digit(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = b | 0x20;
        if (lower >= 'a' && lower <= 'z') {
            return lower - 'a' + 10;
        }
        return Integer.MAX_VALUE;
    }

    private static final class Strto {
        long value;
        int end;
        int errno;
    }

    /**
     * glibc {@code strtoull} ({@code signed == false}) or {@code strtol} ({@code signed == true}) over
     * {@code s[from..]}: {@code end} is where parsing stopped ({@code from} when nothing was converted).
     */
    private static Strto strto(byte[] s, int from, int base, boolean signed) {
        Strto r = new Strto();
        r.end = from;
        int i = from;
        while (i < s.length && isCSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        if (base == 0 || base == 16) {
            if (i + 2 < s.length && s[i] == '0' && (s[i + 1] | 0x20) == 'x' && digit(s[i + 2]) < 16) {
                base = 16;
                i += 2;
            } else if (base == 0) {
                base = (i < s.length && s[i] == '0') ? 8 : 10;
            }
        }
        int digitsStart = i;
        long magnitude = 0;
        boolean overflow = false;
        while (i < s.length && digit(s[i]) < base) {
            int d = digit(s[i]);
            long limit = Long.divideUnsigned(-1L - d, base);
            if (Long.compareUnsigned(magnitude, limit) > 0) {
                overflow = true;
            } else {
                magnitude = magnitude * base + d;
            }
            i++;
        }
        if (i == digitsStart) {
            return r;
        }
        r.end = i;
        if (signed) {
            // strtol: the magnitude must fit LONG_MAX, or LONG_MAX + 1 when negative.
            long max = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
            if (overflow || Long.compareUnsigned(magnitude, max) > 0) {
                r.errno = Errno.ERANGE;
                r.value = max;
            } else {
                r.value = negative ? -magnitude : magnitude;
            }
        } else if (overflow) {
            r.errno = Errno.ERANGE;
            r.value = -1L;
        } else {
            r.value = negative ? -magnitude : magnitude;
        }
        return r;
    }
}
