package dev.sdnotify.internal.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.sdnotify.internal.kernel.Libc;
import dev.sdnotify.internal.protocol.Errno;
import java.nio.ByteBuffer;

/**
 * {@link Libc} by JNA's direct mapping: the native methods are libc's functions, bound when this class is first
 * used, with no proxy and no reflection per call. C's long and size_t are NativeLong, which JNA sizes per data model,
 * where every backend calls the function (ppoll, write); results of type ssize_t are ints, since the counts are small
 * and -1 reads as -1 in either width.
 */
final class JnaLibc implements Libc {
    static {
        // All at once, when the gateway loads: JNA opens files to register functions, which must not happen in the
        // middle of a call that walks the fds.
        NativeLibrary libc = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
        Native.register(JnaLibc.class, libc);
        Native.register(Native.POINTER_SIZE == 8 ? Lp64.class : Ilp32.class, libc);
        try {
            Native.register(Statx.class, libc);
        } catch (UnsatisfiedLinkError e) {
            // glibc before 2.28: statx stays unbound, and calling it says so.
        }
    }

    /**
     * The calls each keep-alive makes that every data model makes too, with their pointers as addresses: a Java long
     * where a pointer is as wide (nothing is made per call), else a {@link Pointer}.
     */
    private static final class Lp64 {
        static native long getenv(long name);

        static native int getsockopt(int fd, int level, int name, long value, long length);
    }

    private static final class Ilp32 {
        static native Pointer getenv(Pointer name);

        static native int getsockopt(int fd, int level, int name, Pointer value, Pointer length);
    }

    /** {@code statx}, bound apart: glibc before 2.28 lacks it, which must not keep the rest from binding. */
    private static final class Statx {
        static native int statx(int dirfd, ByteBuffer path, int flags, int mask, ByteBuffer statx);
    }

    @Override
    public int pointerSize() {
        return Native.POINTER_SIZE;
    }

    @Override
    public int errno() {
        return Native.getLastError();
    }

    @Override
    public long address(ByteBuffer buffer) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
    }

    @Override
    public ByteBuffer view(long address, int size) {
        return new Pointer(address).getByteBuffer(0, size);
    }

    @Override
    public long getenv(long name) {
        return Native.POINTER_SIZE == 8 ? Lp64.getenv(name) : Pointer.nativeValue(Ilp32.getenv(new Pointer(name)));
    }

    @Override
    public int getsockopt(int fd, int level, int name, long value, long length) {
        return Native.POINTER_SIZE == 8 ? Lp64.getsockopt(fd, level, name, value, length)
                : Ilp32.getsockopt(fd, level, name, new Pointer(value), new Pointer(length));
    }

    @Override
    public void free(long address) {
        Native.free(address);
    }

    @Override
    public int ppoll(ByteBuffer fds, long count, ByteBuffer timeout, ByteBuffer sigmask) {
        return ppoll(fds, new NativeLong(count), timeout, sigmask);
    }

    @Override
    public int write(int fd, ByteBuffer data, long length) {
        return write(fd, data, new NativeLong(length));
    }

    @Override
    public int statx(int dirfd, ByteBuffer path, int flags, int mask, ByteBuffer statx) {
        try {
            return Statx.statx(dirfd, path, flags, mask, statx);
        } catch (UnsatisfiedLinkError e) {
            Native.setLastError(Errno.ENOSYS);
            return -1;
        }
    }

    /** The Java protocol's alone, which runs on LP64 only: C's long is Java's there. */
    @Override
    public native int recv(int fd, ByteBuffer buffer, long length, int flags);

    private native int ppoll(ByteBuffer fds, NativeLong count, ByteBuffer timeout, ByteBuffer sigmask);

    private native int write(int fd, ByteBuffer data, NativeLong length);

    /** The Java protocol's alone, as {@link #recv}. */
    @Override
    public native int syscall(long number, long a, long b);

    @Override
    public native int unsetenv(ByteBuffer name);

    @Override
    public native int getpid();

    @Override
    public native int getresuid(long real, long effective, long saved);

    @Override
    public native int getresgid(long real, long effective, long saved);

    @Override
    public native int socket(int domain, int type, int protocol);


    @Override
    public native int setsockopt(int fd, int level, int name, ByteBuffer value, int length);

    @Override
    public native int bind(int fd, ByteBuffer address, int length);

    @Override
    public native int connect(int fd, ByteBuffer address, int length);

    @Override
    public native int sendmsg(int fd, long message, int flags);

    @Override
    public native int shutdown(int fd, int how);

    @Override
    public native int close(int fd);

    @Override
    public native int pipe2(ByteBuffer fds, int flags);

    @Override
    public native int fcntl(int fd, int command, int argument);

    @Override
    public native int fstatfs(int fd, ByteBuffer statfs);
}
