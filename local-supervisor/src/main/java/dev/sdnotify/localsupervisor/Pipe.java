package dev.sdnotify.localsupervisor;

/** A pipe whose two ends are close-on-exec: a child gets an end only when it is handed over explicitly. */
record Pipe(int readEnd, int writeEnd) {
    static Pipe open() {
        int[] fds = new int[2];
        Libc.C.pipe2(fds, Libc.O_CLOEXEC);
        return new Pipe(fds[0], fds[1]);
    }
}
