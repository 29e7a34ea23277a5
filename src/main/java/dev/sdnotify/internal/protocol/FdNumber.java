package dev.sdnotify.internal.protocol;

/** A file descriptor number as a supervisor writes it into the environment. */
public final class FdNumber {
    /** The lowest number a readiness fd may have: 0, 1 and 2 are the standard streams the JVM keeps using. */
    public static final int FIRST_FREE = 3;

    private FdNumber() {}

    /**
     * Decimal digits only (no sign, space or prefix: a supervisor writes the number plainly), within int.
     * Returns the number, or -1 when the text is not such a number.
     */
    public static int parse(byte[] text) {
        if (text == null || text.length == 0) {
            return -1;
        }
        long value = 0;
        for (byte b : text) {
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
            if (value > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return (int) value;
    }

    /** The standard stream fd 0, 1 or 2 is, for messages; null for other numbers. */
    public static String standardStream(int fd) {
        switch (fd) {
            case 0: return "standard input";
            case 1: return "standard output";
            case 2: return "standard error";
            default: return null;
        }
    }
}
