package dev.sdnotify.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** The few libc calls the benchmarks' own set-up needs; the library under test keeps its own mapping. */
interface CLib extends Library {
    CLib INSTANCE = Native.load("c", CLib.class);

    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;

    int setenv(String name, String value, int overwrite);

    int getpid();

    int open(String path, int flags);

    int close(int fd);
}
