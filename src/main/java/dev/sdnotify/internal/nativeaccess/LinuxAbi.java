package dev.sdnotify.internal.nativeaccess;

import java.util.Locale;

/**
 * The Linux constants the native bindings pass to the kernel, per architecture. Most architectures use
 * the kernel's generic values; powerpc, mips, sparc, alpha and parisc renumber socket options, and some of
 * them socket types and flags; s390x has a narrower {@code struct statfs}. Only architectures whose table
 * was checked against the kernel's uapi and glibc's headers are {@linkplain #verified() verified};
 * elsewhere the Java backend is refused, since a wrong option number would be a silent misbehaviour, not
 * an error. Structure layouts are LP64's on every architecture listed.
 */
public final class LinuxAbi {
    /** The values of x86-64, aarch64 and riscv64 (asm-generic), and s390x's socket options. */
    private static final LinuxAbi GENERIC = new LinuxAbi("generic", true, 1, 3, 7, 21, 30, 39, 32, 57, 120, 8);

    private final String name;
    private final boolean verified;
    public final int solSocket;
    public final int soType;
    public final int soSndbuf;
    public final int soSndtimeo;
    public final int soAcceptconn;
    public final int soDomain;
    public final int soSndbufforce;
    public final int soCookie;
    /** {@code sizeof(struct statfs)}, and of its first member {@code f_type} (a long, but an int on s390x). */
    public final int statfsSize;
    public final int statfsFTypeSize;

    // The same on every Linux architecture this table admits.
    public final int afUnix = 1;
    public final int sockDgram = 2;
    public final int sockCloexec = 0x80000;
    public final int oCloexec = 0x80000;
    public final int scmRights = 1;
    public final int scmCredentials = 2;
    public final int msgNosignal = 0x4000;
    public final int fGetfd = 1;
    public final int fSetfd = 2;
    public final int fGetfl = 3;
    public final int atFdcwd = -100;
    public final int atSymlinkNofollow = 0x100;
    public final int fOk = 0;
    public final int clockMonotonic = 1;
    public final int afVsock = 40;
    public final int sockStream = 1;
    public final int sockSeqpacket = 5;
    public final int shutWr = 1;
    /** {@code struct sockaddr_vm}: family (u16), reserved (u16), port (u32), cid (u32), flags and zeros. */
    public final int sockaddrVmSize = 16;
    public final int svmPortOffset = 4;
    public final int svmCidOffset = 8;
    /** pidfd_open(2) has no glibc wrapper before 2.36: it is called through syscall(2). */
    public final int sysPidfdOpen = 434;
    public final int atEmptyPath = 0x1000;
    /** {@code struct statx} is the same everywhere, unlike {@code struct stat}. */
    public final int statxIno = 0x100;
    public final int statxSize = 256;
    public final int statxInoOffset = 32;
    public final int statfsFTypeOffset = 0;

    private LinuxAbi(String name, boolean verified, int solSocket, int soType, int soSndbuf, int soSndtimeo,
            int soAcceptconn, int soDomain, int soSndbufforce, int soCookie, int statfsSize, int statfsFTypeSize) {
        this.name = name;
        this.verified = verified;
        this.solSocket = solSocket;
        this.soType = soType;
        this.soSndbuf = soSndbuf;
        this.soSndtimeo = soSndtimeo;
        this.soAcceptconn = soAcceptconn;
        this.soDomain = soDomain;
        this.soSndbufforce = soSndbufforce;
        this.soCookie = soCookie;
        this.statfsSize = statfsSize;
        this.statfsFTypeSize = statfsFTypeSize;
    }

    private static final LinuxAbi CURRENT = forArch(System.getProperty("os.arch", ""));

    /** The table for the running JVM's {@code os.arch}. */
    public static LinuxAbi current() {
        return CURRENT;
    }

    /**
     * The table for a JVM {@code os.arch} value. An architecture without a checked table gets the generic
     * values, marked unverified: enough for the calls whose numbers never vary (fcntl, clocks, write),
     * refused for the Java backend's socket calls.
     */
    public static LinuxAbi forArch(String osArch) {
        switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64":
            case "x86_64":
            case "aarch64":
            case "riscv64":
                return GENERIC.named(osArch);
            case "s390x":
                // Its struct statfs has int members where the others have longs.
                return new LinuxAbi(osArch, true, 1, 3, 7, 21, 30, 39, 32, 57, 88, 4);
            case "ppc64le":
            case "ppc64":
                // powerpc: SO_RCVLOWAT..SO_SNDTIMEO are 16..19, so 21 is SO_PEERCRED there.
                return new LinuxAbi(osArch, true, 1, 3, 7, 19, 30, 39, 32, 57, 120, 8);
            default:
                return new LinuxAbi(osArch, false, GENERIC.solSocket, GENERIC.soType, GENERIC.soSndbuf,
                        GENERIC.soSndtimeo, GENERIC.soAcceptconn, GENERIC.soDomain, GENERIC.soSndbufforce,
                        GENERIC.soCookie, GENERIC.statfsSize, GENERIC.statfsFTypeSize);
        }
    }

    private LinuxAbi named(String arch) {
        return new LinuxAbi(arch, verified, solSocket, soType, soSndbuf, soSndtimeo, soAcceptconn, soDomain,
                soSndbufforce, soCookie, statfsSize, statfsFTypeSize);
    }

    /** Whether this table was checked against the architecture's kernel headers. */
    public boolean verified() {
        return verified;
    }

    /** The architecture, as {@code os.arch} names it. */
    public String arch() {
        return name;
    }

    /** Why the Java backend cannot run here, or null when it can. */
    public String unverifiedReason() {
        return verified ? null : "the java backend's socket constants are not verified for os.arch=" + name
                + " (verified: amd64, aarch64, riscv64, s390x, ppc64le, ppc64)";
    }
}
