package dev.sdnotify.internal.kernel;

import java.util.Locale;

/**
 * The Linux constants the kernel layer passes, per architecture. Most architectures use the kernel's generic
 * values; powerpc, mips, sparc, alpha and parisc renumber socket options, some also socket types and flags; s390x
 * has a narrower {@code struct statfs}. Only architectures whose table was checked against their kernel and glibc
 * headers are {@linkplain #verified() verified}, all of them LP64; elsewhere the Java protocol is refused, since a
 * wrong option number would be a silent misbehaviour, not an error.
 */
public final class LinuxAbi {
    public static final String VERIFIED = "amd64, aarch64, riscv64, s390x, ppc64le, ppc64";

    // The same on every Linux architecture.
    public static final int AF_UNIX = 1;
    public static final int AF_VSOCK = 40;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int SCM_RIGHTS = 1;
    public static final int SCM_CREDENTIALS = 2;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int F_GETFL = 3;
    public static final int FD_CLOEXEC = 1;
    public static final int SHUT_WR = 1;
    public static final int SYS_PIDFD_OPEN = 434;
    public static final int AT_EMPTY_PATH = 0x1000;
    /** {@code struct statx} is the same everywhere, unlike {@code struct stat}. */
    public static final int STATX_INO = 0x100;
    public static final int STATX_SIZE = 256;
    public static final int STATX_INO_OFFSET = 32;

    /** The table for the running JVM's {@code os.arch}. */
    public static final LinuxAbi CURRENT = forArch(System.getProperty("os.arch", ""));

    private final String unverifiedReason;
    public final int solSocket = 1;
    public final int soType = 3;
    public final int soSndbuf = 7;
    public final int soSndtimeo;
    public final int soAcceptconn = 30;
    public final int soDomain = 39;
    public final int soSndbufforce = 32;
    public final int soCookie = 57;
    /** {@code sizeof(struct statfs)}, and of its first member {@code f_type}: a long, but an int on s390x. */
    public final int statfsSize;
    public final int statfsFTypeSize;

    private LinuxAbi(String arch, boolean verified, int soSndtimeo, int statfsSize, int statfsFTypeSize) {
        this.unverifiedReason = verified ? null : "the java protocol's socket constants are not verified for os.arch="
                + arch + " (verified: " + VERIFIED + ")";
        this.soSndtimeo = soSndtimeo;
        this.statfsSize = statfsSize;
        this.statfsFTypeSize = statfsFTypeSize;
    }

    /** The table for a JVM {@code os.arch} value; an architecture without a checked one gets the generic values. */
    public static LinuxAbi forArch(String osArch) {
        switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64":
            case "x86_64":
            case "aarch64":
            case "riscv64":
                return new LinuxAbi(osArch, true, 21, 120, 8);
            case "s390x":
                return new LinuxAbi(osArch, true, 21, 88, 4);
            case "ppc64le":
            case "ppc64":
                // powerpc: SO_RCVLOWAT..SO_SNDTIMEO are 16..19, so 21 is SO_PEERCRED there.
                return new LinuxAbi(osArch, true, 19, 120, 8);
            default:
                return new LinuxAbi(osArch, false, 21, 120, 8);
        }
    }

    /** Why the Java protocol cannot run here (this table was not checked against the kernel headers), or null. */
    public String unverifiedReason() {
        return unverifiedReason;
    }
}
