package dev.sdnotify.localsupervisor;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The command, started as systemd starts a service's main process: its fds 0 to 2 are this process's, the passed
 * fds follow from 3 on and nothing else is open; no signal is blocked or ignored. It runs through {@code /bin/sh},
 * which exports its own pid in the variables that must name the service's process (LISTEN_PID, WATCHDOG_PID) and
 * then execs the command in its own place, keeping that pid: no other way sets a child's pid in its environment
 * before it runs. ({@code ProcessBuilder} cannot pass fds above 2, so the command is spawned natively.)
 */
final class ChildProcess {
    /** Bigger than any C library's posix_spawn_file_actions_t and posix_spawnattr_t (80 and 336 in glibc). */
    private static final int OPAQUE_SIZE = 1024;
    private static final int SIGSET_SIZE = 128;
    private static final int SIGINFO_SIZE = 128;

    private final int pid;
    /** Readable once the process has exited and been reaped. */
    private final Pipe exited = Pipe.open();
    private final CompletableFuture<Integer> waitStatus = new CompletableFuture<>();
    private final Object lock = new Object();
    /** Set while the exited process is still a zombie: from then on its pid may not be signalled. */
    private boolean gone;

    private ChildProcess(int pid) {
        this.pid = pid;
        Thread waiter = new Thread(this::awaitExit, "child-waiter");
        waiter.setDaemon(true);
        waiter.start();
    }

    /**
     * Starts {@code command} with exactly {@code environment}, plus each of {@code pidVariables} set to its pid,
     * and {@code fds} at 3, 4, and so on.
     */
    static ChildProcess start(List<String> command, Map<String, String> environment, List<String> pidVariables,
            List<Integer> fds) throws IOException {
        String exports = pidVariables.stream().map(v -> "export " + v + "=$$; ").collect(Collectors.joining());
        String[] argv = Stream.concat(Stream.of("/bin/sh", "-c", exports + "exec \"$0\" \"$@\""), command.stream())
                .toArray(String[]::new);
        String[] envp = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        Memory actions = new Memory(OPAQUE_SIZE);
        Memory attributes = new Memory(OPAQUE_SIZE);
        Memory signals = new Memory(SIGSET_SIZE);
        closeOnExec();
        check(Libc.C.posix_spawn_file_actions_init(actions));
        check(Libc.C.posix_spawnattr_init(attributes));
        int[] copies = new int[fds.size()];
        try {
            // Copies numbered above every target first: a dup2 onto fd 3 must not overwrite a source still to come.
            for (int i = 0; i < copies.length; i++) {
                copies[i] = Libc.C.fcntl(fds.get(i), Libc.F_DUPFD_CLOEXEC, 3 + copies.length);
                check(Libc.C.posix_spawn_file_actions_adddup2(actions, copies[i], 3 + i));
            }
            // A JVM thread blocks some signals and the JVM may have inherited ignored ones; systemd resets both.
            Libc.C.sigemptyset(signals);
            check(Libc.C.posix_spawnattr_setsigmask(attributes, signals));
            Libc.C.sigfillset(signals);
            check(Libc.C.posix_spawnattr_setsigdefault(attributes, signals));
            check(Libc.C.posix_spawnattr_setflags(attributes,
                    (short) (Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF)));
            IntByReference pid = new IntByReference();
            check(Libc.C.posix_spawn(pid, "/bin/sh", actions, attributes, argv, envp));
            return new ChildProcess(pid.getValue());
        } finally {
            for (int copy : copies) {
                if (copy > 0) {
                    Libc.C.close(copy);
                }
            }
            Libc.C.posix_spawn_file_actions_destroy(actions);
            Libc.C.posix_spawnattr_destroy(attributes);
        }
    }

    int pid() {
        return pid;
    }

    /** An fd that becomes readable when the process has exited. */
    int exitedFd() {
        return exited.readEnd();
    }

    /** The status waitpid reported; waits for the exit. */
    int waitStatus() {
        return waitStatus.join();
    }

    /**
     * Sends {@code signal} unless the process has exited: its pid may already be another process's. Runs
     * {@code announce} first, so that what the signal makes the process send comes after it.
     */
    void signal(int signal, Runnable announce) {
        synchronized (lock) {
            if (!gone) {
                announce.run();
                Libc.C.kill(pid, signal);
            }
        }
    }

    private void awaitExit() {
        // Waits without reaping first: the zombie keeps the pid reserved until signal() can no longer use it.
        Libc.C.waitid(Libc.P_PID, pid, new Memory(SIGINFO_SIZE), Libc.WEXITED | Libc.WNOWAIT);
        synchronized (lock) {
            gone = true;
        }
        IntByReference status = new IntByReference();
        Libc.C.waitpid(pid, status, 0);
        waitStatus.complete(status.getValue());
        Libc.C.write(exited.writeEnd(), new byte[1], 1);
    }

    /**
     * Marks every open fd above stderr close-on-exec: the JVM opens its jar, its modules and /dev/random without,
     * and would hand them all to the command.
     */
    private static void closeOnExec() throws IOException {
        try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
            for (int fd : open.mapToInt(p -> Integer.parseInt(p.getFileName().toString())).toArray()) {
                if (fd > 2) {
                    try {
                        Libc.C.fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC);
                    } catch (LastErrorException e) {
                        // Closed by another thread since it was listed.
                    }
                }
            }
        }
    }

    private static void check(int error) {
        if (error != 0) {
            throw new LastErrorException(error);
        }
    }
}
