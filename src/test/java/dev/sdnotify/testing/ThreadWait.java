package dev.sdnotify.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Waits until a thread is blocked in a given system call, read from /proc, instead of sleeping and hoping. */
public final class ThreadWait {
    /** ppoll's and sendmsg's numbers, by os.arch. */
    private static final Map<String, Integer> PPOLL = Map.of("amd64", 271, "x86_64", 271, "aarch64", 73,
            "riscv64", 73);
    private static final Map<String, Integer> SENDMSG = Map.of("amd64", 46, "x86_64", 46, "aarch64", 211,
            "riscv64", 211);

    private ThreadWait() {}

    /**
     * Returns once thread {@code tid} of this process is inside {@code ppoll} (the first field of
     * /proc/self/task/TID/syscall); fails after {@code timeoutMillis}.
     */
    public static void untilInPpoll(int tid, long timeoutMillis) throws IOException, InterruptedException {
        untilIn(tid, "ppoll", PPOLL, timeoutMillis);
    }

    /** Returns once thread {@code tid} of this process is inside {@code sendmsg}; fails after {@code timeoutMillis}. */
    public static void untilInSendmsg(int tid, long timeoutMillis) throws IOException, InterruptedException {
        untilIn(tid, "sendmsg", SENDMSG, timeoutMillis);
    }

    private static void untilIn(int tid, String call, Map<String, Integer> numbers, long timeoutMillis)
            throws IOException, InterruptedException {
        Integer number = numbers.get(System.getProperty("os.arch"));
        if (number == null) {
            throw new AssertionError("no " + call + " number known for os.arch=" + System.getProperty("os.arch"));
        }
        Path syscall = Path.of("/proc/self/task/" + tid + "/syscall");
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        String last = "";
        while (System.nanoTime() < deadline) {
            last = Files.readString(syscall).trim();
            if (last.startsWith(number + " ")) {
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("thread " + tid + " did not enter " + call + " within " + timeoutMillis + " ms; last: "
                + last);
    }
}
