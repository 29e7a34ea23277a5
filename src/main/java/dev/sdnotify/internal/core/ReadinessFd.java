package dev.sdnotify.internal.core;

import dev.sdnotify.internal.Log;
import dev.sdnotify.SdNotifyException;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.internal.daemon.JavaDaemon;
import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.internal.protocol.Errno;
import dev.sdnotify.internal.protocol.Variables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.BooleanSupplier;

/**
 * The readiness fd of supervisors that wait for a newline on an inherited pipe (s6, dinit, OpenRC's
 * supervise-daemon, finit): a newline is written, then the fd is closed and {@code READY_FD} removed from the C
 * environment, at most once per process, since the number may name another file afterwards.
 */
public final class ReadinessFd {
    /** The process's one readiness fd; others belong to notifiers over a given environment. */
    public static final ReadinessFd PROCESS = new ReadinessFd();

    public static final String OPERATION = "readiness fd";
    /** The lowest number a readiness fd may have: 0, 1 and 2 are the standard streams the JVM keeps using. */
    static final int FIRST_FREE = 3;
    private static final byte[] NEWLINE = {'\n'};
    private static final int O_ACCMODE = 3;
    private static final int O_RDONLY = 0;
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    /** From {@link #use}; -1 when not given, and then {@code READY_FD} is read. */
    private int given = -1;
    /** Set by the first attempt to signal, whatever its outcome. */
    private boolean consumed;

    /**
     * {@link dev.sdnotify.SdNotify#useReadinessFd(int)}: remembers {@code fd} for the first ready and marks it
     * close-on-exec now, failing early when it is not open or not open for writing. Backend {@code none} only
     * remembers it.
     */
    public synchronized void use(ChosenBackend b, int fd) {
        if (fd < FIRST_FREE) {
            String stream = standardStream(fd);
            throw new IllegalArgumentException("readiness fd " + fd + (stream == null ? " is not an fd number"
                    : " is " + stream + ", which the JVM keeps using") + "; give the supervisor's pipe an fd of "
                    + FIRST_FREE + " or above");
        }
        if (consumed) {
            throw new IllegalStateException("readiness was already signaled in this process; the readiness fd is "
                    + "written once and closed");
        }
        Kernel kernel = b.kernel();
        if (kernel != null) {
            String source = "fd " + fd + " given to SdNotify.useReadinessFd";
            check(b, kernel, fd, source, true);
            int r = JavaDaemon.setCloexec(kernel, fd);
            if (r < 0) {
                throw failed(b, -r, "marking " + source + " close-on-exec");
            }
        }
        given = fd;
    }

    /**
     * Runs {@code notifySocket} (the {@code READY=1} send), then signals the readiness fd even if that send
     * failed, and reports the first failure with any second one suppressed. True when either was signaled.
     */
    boolean ready(ChosenBackend backend, BooleanSupplier notifySocket) {
        boolean sent = false;
        SdNotifyException failure = null;
        try {
            sent = notifySocket.getAsBoolean();
        } catch (SdNotifyException e) {
            failure = e;
        }
        boolean signaled = false;
        try {
            signaled = signal(backend);
        } catch (SdNotifyException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            if (!sent) {
                throw failure;
            }
            // The supervisor has READY=1: its answer must not be a failure because of the other channel.
            Log.log(System.Logger.Level.WARNING, "READY=1 was sent, but the readiness fd could not be signaled: {0}",
                    failure.getMessage());
        }
        return sent || signaled;
    }

    /**
     * Writes the newline and closes the fd, the first time an fd is known; later calls do nothing and return
     * false. Backend {@code none} signals nothing and consumes nothing.
     */
    private synchronized boolean signal(ChosenBackend b) {
        Kernel kernel = b.kernel();
        if (consumed || kernel == null) {
            return false;
        }
        byte[] text = b.environment().getenv(Variables.READY_FD);
        if (given < 0 && text == null) {
            return false;
        }
        consumed = true;
        if (text != null) {
            // Whatever follows, children must not inherit a number that no longer names the pipe.
            b.environment().unsetenv(Variables.READY_FD);
        }
        int fd = given >= 0 ? given : parse(text);
        String source = given >= 0 ? "fd " + fd + " given to SdNotify.useReadinessFd"
                : "fd " + fd + " from " + Failures.show(Variables.READY_FD, text);
        String notPipe = check(b, kernel, fd, source, given >= 0);
        if (notPipe != null) {
            // Inherited through a copied environment (a JVM started by a service of s6, say): the number names
            // something of this process's own. Leave it alone.
            Log.log(System.Logger.Level.WARNING, "{0} is {1}, not a pipe, so it is not the readiness fd of this "
                    + "process''s supervisor (inherited from another process?); left untouched, READY_FD removed",
                    source, notPipe);
            return false;
        }
        int r;
        do {
            r = kernel.write(fd, NEWLINE, NEWLINE.length);
        } while (r == -Errno.EINTR);
        if (r < 0) {
            if (r != -Errno.EBADF) {
                kernel.close(fd);
            }
            throw failed(b, -r, "writing a newline to " + source + (r == -Errno.EPIPE ? ": nothing reads the other "
                    + "end any more (the supervisor closed it)" : r == -Errno.EAGAIN ? ": the pipe is full" : ""));
        }
        r = kernel.close(fd);
        if (r < 0 && r != -Errno.EINTR) {
            // Linux releases the fd even when close reports EINTR.
            throw failed(b, -r, "closing " + source + " after writing the newline");
        }
        return true;
    }

    /**
     * What {@code fd} is when it is not a FIFO (the kernel's pipes are FIFOs), or null for a FIFO. The kernel
     * answers for this process's fd through /proc/self/fd, as fstat would.
     */
    public static String notAPipe(int fd) {
        Path link = Paths.get("/proc/self/fd/" + fd);
        try {
            int mode = (Integer) Files.getAttribute(link, "unix:mode");
            return (mode & S_IFMT) == S_IFIFO ? null : Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "of a kind that cannot be told (" + e + ")";
        }
    }

    private static int parse(byte[] text) {
        int fd = fdNumber(text);
        String shown = Failures.show(Variables.READY_FD, text);
        if (fd < 0) {
            throw new SdNotifyException(OPERATION, Errno.EINVAL, shown
                    + " is not a file descriptor number (decimal digits)");
        }
        String stream = standardStream(fd);
        if (stream != null) {
            throw new SdNotifyException(OPERATION, Errno.EINVAL, shown + " names " + stream + ", which the JVM "
                    + "keeps using; give the supervisor's pipe an fd of " + FIRST_FREE + " or above");
        }
        return fd;
    }

    /**
     * A file descriptor number as a supervisor writes it: decimal digits only (no sign, space or prefix), within
     * int; -1 when the text is not such a number.
     */
    static int fdNumber(byte[] text) {
        long value = 0;
        for (byte b : text) {
            value = value * 10 + (b - '0');
            if (b < '0' || b > '9' || value > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return text.length == 0 ? -1 : (int) value;
    }

    /** The standard stream fd 0, 1 or 2 is, for messages; null for other numbers. */
    static String standardStream(int fd) {
        return fd == 0 ? "standard input" : fd == 1 ? "standard output" : fd == 2 ? "standard error" : null;
    }

    private static SdNotifyException failed(ChosenBackend b, int errno, String detail) {
        return new SdNotifyException(OPERATION, errno, Failures.withReason(b, errno, detail));
    }

    /**
     * Fails unless {@code fd} is open for writing; returns what it is when it is not a pipe (see {@link #notAPipe}),
     * or fails then too when {@code pipeRequired}.
     */
    private static String check(ChosenBackend b, Kernel kernel, int fd, String source, boolean pipeRequired) {
        int statusFlags = kernel.fcntl(fd, LinuxAbi.F_GETFL, 0);
        if (statusFlags == -Errno.EBADF) {
            throw new SdNotifyException(OPERATION, Errno.EBADF, source + " is not open");
        }
        if (statusFlags < 0) {
            throw failed(b, -statusFlags, "reading the flags of " + source);
        }
        if ((statusFlags & O_ACCMODE) == O_RDONLY) {
            throw new SdNotifyException(OPERATION, Errno.EBADF, source
                    + " is open only for reading (the read end of the pipe?)");
        }
        String notPipe = notAPipe(fd);
        if (notPipe != null && pipeRequired) {
            throw new SdNotifyException(OPERATION, Errno.EINVAL, source + " is " + notPipe
                    + ", not a pipe: a supervisor's readiness fd is the write end of a pipe");
        }
        return notPipe;
    }
}
