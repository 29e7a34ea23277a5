package dev.sdnotify.localsupervisor;

import com.sun.jna.LastErrorException;

/**
 * Watches the running command until it exits: reports each notification, each newline on the readiness fd and
 * each timeout that runs out, on time, from one thread that polls the socket, the pipe and the exit together.
 */
final class Supervision {
    private static final int SOCKET = 0;
    private static final int READINESS = 1;
    private static final int EXIT = 2;

    private final Console console;
    private final NotifySocket socket;
    private final ChildProcess child;
    private final ManagerModel manager;
    private final Libc.PollFd[] polls = (Libc.PollFd[]) new Libc.PollFd().toArray(3);

    /** @param readinessFd the read end of the readiness pipe, or -1 */
    Supervision(Console console, NotifySocket socket, int readinessFd, ChildProcess child, ManagerModel manager) {
        this.console = console;
        this.socket = socket;
        this.child = child;
        this.manager = manager;
        polls[SOCKET].fd = socket.fd();
        polls[READINESS].fd = readinessFd;
        polls[EXIT].fd = child.exitedFd();
        for (Libc.PollFd poll : polls) {
            poll.events = Libc.POLLIN;
        }
    }

    /** Runs until the command has exited and everything it sent before is reported; returns how it ended. */
    ExitStatus run() {
        boolean exited = false;
        while (!exited) {
            manager.expire(console.elapsed()).forEach(console::line);
            exited = pollOnce(timeoutMillis(manager.nextDeadline()));
        }
        // Messages and newlines written just before the exit are still waiting.
        pollOnce(0);
        return new ExitStatus(child.waitStatus());
    }

    /** Waits up to {@code timeout} ms (-1: without end) and handles what is ready; true once the command exited. */
    private boolean pollOnce(int timeout) {
        try {
            Libc.C.poll(polls, polls.length, timeout);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.EINTR) {
                return false;
            }
            throw e;
        }
        if (polls[SOCKET].revents != 0) {
            for (Notification message = socket.receive(); message != null; message = socket.receive()) {
                report(message);
            }
        }
        if (polls[READINESS].revents != 0) {
            readReadiness();
        }
        return polls[EXIT].revents != 0;
    }

    private void report(Notification message) {
        String sender = "pid " + message.pid() + (message.pid() == manager.mainPid() ? " (main)" : "");
        String fds = message.fds().length == 0 ? "" : ", " + message.fds().length
                + (message.fds().length == 1 ? " fd" : " fds");
        console.line(sender + fds + ": " + message.display(), manager.receive(message, console.elapsed()));
        // Only now: a sender waiting for the fds to close (a barrier) goes on once its message is shown.
        message.closeFds();
    }

    private void readReadiness() {
        byte[] buffer = new byte[256];
        long read = Libc.C.read(polls[READINESS].fd, buffer, buffer.length);
        if (read == 0) {
            // Every write end is closed: nothing more can come.
            Libc.C.close(polls[READINESS].fd);
            polls[READINESS].fd = -1;
            return;
        }
        for (int i = 0; i < read; i++) {
            if (buffer[i] == '\n') {
                console.line("readiness fd: a newline: s6, dinit and the other supervisors that read one would now "
                        + "take the service as ready");
                return;
            }
        }
    }

    private int timeoutMillis(long deadline) {
        if (deadline == ManagerModel.NEVER) {
            return -1;
        }
        long millis = Math.max(0, (deadline - console.elapsed() + 999_999) / 1_000_000);
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }
}
