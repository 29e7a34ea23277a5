package dev.sdnotify.bench;

import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Points this process at the shared receiver as a service manager would: NOTIFY_SOCKET, WATCHDOG_USEC and
 * WATCHDOG_PID in the C environment, which is what the library reads (System.getenv is a copy).
 */
final class BenchEnvironment {
    /** Where run.sh's receiver (c/drain.c) is bound. */
    static final String SOCKET_VARIABLE = "BENCH_NOTIFY_SOCKET";
    static final String WATCHDOG_USEC = "30000000";

    private BenchEnvironment() {}

    static void install() {
        String socket = System.getenv(SOCKET_VARIABLE);
        if (socket == null || socket.isEmpty()) {
            throw new IllegalStateException(SOCKET_VARIABLE + " is not set: start c/drain SOCKET_PATH and set it"
                    + " to that path (native-test/bench/run.sh does both)");
        }
        if (!Files.exists(Path.of(socket))) {
            throw new IllegalStateException(SOCKET_VARIABLE + "=" + socket + ": no socket exists at that path");
        }
        setenv("NOTIFY_SOCKET", socket);
        setenv("WATCHDOG_USEC", WATCHDOG_USEC);
        setenv("WATCHDOG_PID", Integer.toString(CLib.INSTANCE.getpid()));
    }

    private static void setenv(String name, String value) {
        if (CLib.INSTANCE.setenv(name, value, 1) != 0) {
            throw new IllegalStateException("setenv " + name + " failed with errno " + Native.getLastError());
        }
    }
}
