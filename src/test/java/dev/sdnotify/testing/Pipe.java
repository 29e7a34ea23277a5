package dev.sdnotify.testing;

import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;

/** A real pipe from the tests' own libc: the read end non-blocking, so a read tells what is there now. */
public final class Pipe implements AutoCloseable {
    private static final TestLibc C = TestLibc.INSTANCE;

    public final int readEnd;
    public final int writeEnd;
    private boolean writeEndOurs = true;
    private boolean readEndOpen = true;

    private Pipe(int readEnd, int writeEnd) {
        this.readEnd = readEnd;
        this.writeEnd = writeEnd;
    }

    /** pipe2(O_CLOEXEC | O_NONBLOCK): both ends close-on-exec, the read end never blocks. */
    public static Pipe open() {
        int[] fds = new int[2];
        if (C.pipe2(fds, TestLibc.O_CLOEXEC | TestLibc.O_NONBLOCK) != 0) {
            throw new IllegalStateException("pipe2: errno " + Native.getLastError());
        }
        return new Pipe(fds[0], fds[1]);
    }

    /**
     * What the read end has now: the text, then "&lt;EOF&gt;" when every write end is closed, or nothing more
     * when a writer is still open (EAGAIN).
     */
    public String drain() {
        StringBuilder out = new StringBuilder();
        byte[] buffer = new byte[256];
        while (true) {
            long n = C.read(readEnd, buffer, buffer.length);
            if (n > 0) {
                out.append(new String(buffer, 0, (int) n, StandardCharsets.ISO_8859_1));
            } else if (n == 0) {
                return out.append("<EOF>").toString();
            } else {
                int errno = Native.getLastError();
                if (errno == TestLibc.EAGAIN) {
                    return out.toString();
                }
                throw new IllegalStateException("read fd " + readEnd + ": errno " + errno);
            }
        }
    }

    /** fcntl(F_GETFD): the fd flags, or -errno (-9 EBADF when not open). */
    public static int fdFlags(int fd) {
        int r = C.fcntl(fd, TestLibc.F_GETFD);
        return r < 0 ? -Native.getLastError() : r;
    }

    /**
     * The write end, handed to the code under test, which closes it: {@link #close()} then leaves the number
     * alone, since it may name another file by then.
     */
    public int giveWriteEnd() {
        writeEndOurs = false;
        return writeEnd;
    }

    /** Closes the read end now, so that writes fail with EPIPE. */
    public void closeReadEnd() {
        readEndOpen = false;
        C.close(readEnd);
    }

    @Override
    public void close() {
        if (readEndOpen) {
            C.close(readEnd);
        }
        if (writeEndOurs) {
            C.close(writeEnd);
        }
    }
}
