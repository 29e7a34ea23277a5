package dev.sdnotify.internal.protocol;

/**
 * libsystemd's number parsers ({@code safe_atou64}, {@code safe_atou}, {@code parse_pid}, {@code safe_atoi}) over
 * the raw bytes of an environment variable, including C {@code strtoull}/{@code strtol} quirks: leading
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
        return parse(s, false, out);
    }

    /** {@code safe_atou}: {@code safe_atou64}'s rules, then at most 4294967295 (ERANGE above). */
    public static int parseU32(byte[] s, long[] out) {
        int r = parse(s, false, out);
        return r == 0 && Long.compareUnsigned(out[0], 0xFFFFFFFFL) > 0 ? -Errno.ERANGE : r;
    }

    /** {@code parse_pid}: a u64 that must lie in 1..2147483647. */
    public static int parsePid(byte[] s, long[] out) {
        int r = parse(s, false, out);
        return r == 0 && (out[0] <= 0 || out[0] > Integer.MAX_VALUE) ? -Errno.ERANGE : r;
    }

    /** {@code safe_atoi}: C {@code strtol} after the systemd prefixes, then range-checked to int. */
    public static int parseInt(byte[] s, long[] out) {
        int r = parse(s, true, out);
        return r == 0 && out[0] != (int) out[0] ? -Errno.ERANGE : r;
    }

    /**
     * systemd's steps around {@code strtoull} ({@code signed == false}) or {@code strtol}: its WHITESPACE (space,
     * tab, newline, carriage return) skipped, a {@code 0b} or {@code 0o} prefix taken as the base, then glibc's
     * parse, whose errno wins over a number that does not reach the end. An unsigned value other than 0 written
     * with a minus sign is ERANGE.
     */
    private static int parse(byte[] s, boolean signed, long[] out) {
        int start = 0;
        while (start < s.length && (s[start] == ' ' || s[start] == '\t' || s[start] == '\n' || s[start] == '\r')) {
            start++;
        }
        int base = 0;
        if (start + 1 < s.length && s[start] == '0' && ((s[start + 1] | 0x20) == 'b' || (s[start + 1] | 0x20) == 'o')) {
            base = (s[start + 1] | 0x20) == 'b' ? 2 : 8;
            start += 2;
        }
        // glibc: C isspace, one sign, then in base 0 a 0x prefix (when a hex digit follows) or a leading 0.
        int i = start;
        while (i < s.length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
            i++;
        }
        boolean negative = i < s.length && s[i] == '-';
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        if (base == 0 && i + 2 < s.length && s[i] == '0' && (s[i + 1] | 0x20) == 'x' && digit(s[i + 2]) < 16) {
            base = 16;
            i += 2;
        } else if (base == 0) {
            base = i < s.length && s[i] == '0' ? 8 : 10;
        }
        int digits = i;
        long magnitude = 0;
        boolean overflow = false;
        for (; i < s.length && digit(s[i]) < base; i++) {
            int d = digit(s[i]);
            overflow |= Long.compareUnsigned(magnitude, Long.divideUnsigned(-1L - d, base)) > 0;
            magnitude = magnitude * base + d;
        }
        if (i == digits) {
            return -Errno.EINVAL;
        }
        // strtol: the magnitude must fit LONG_MAX, or LONG_MAX + 1 when negative.
        if (overflow || signed && Long.compareUnsigned(magnitude, negative ? Long.MIN_VALUE : Long.MAX_VALUE) > 0) {
            return -Errno.ERANGE;
        }
        if (i != s.length) {
            return -Errno.EINVAL;
        }
        if (!signed && magnitude != 0 && s[start] == '-') {
            return -Errno.ERANGE;
        }
        out[0] = negative ? -magnitude : magnitude;
        return 0;
    }

    /** A digit's value in bases up to 36; more than any base for anything else. */
    private static int digit(byte b) {
        int lower = b | 0x20;
        return b >= '0' && b <= '9' ? b - '0' : lower >= 'a' && lower <= 'z' ? lower - 'a' + 10 : Integer.MAX_VALUE;
    }
}
