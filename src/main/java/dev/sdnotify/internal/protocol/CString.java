package dev.sdnotify.internal.protocol;

/** C string rules over Java byte arrays. */
public final class CString {
    private CString() {}

    /** {@code strlen}: the bytes before the first NUL, or all of them when there is none. */
    public static int length(byte[] s) {
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                return i;
            }
        }
        return s.length;
    }
}
