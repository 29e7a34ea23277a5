package dev.sdnotify.internal.protocol;

/** The Linux errno values the protocol rules produce themselves (the kernel supplies the rest). */
public final class Errno {
    public static final int ENOENT = 2;
    public static final int EBADF = 9;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ETIMEDOUT = 110;

    private Errno() {}
}
