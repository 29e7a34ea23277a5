/**
 * Readiness, status, watchdog keep-alives, the file descriptor store and socket activation for services
 * supervised by systemd, with libsystemd's semantics whether or not libsystemd is installed.
 */
module dev.sdnotify {
    requires com.sun.jna;

    exports dev.sdnotify;
    // The logging facade: the lifecycle module logs where the library does; the agent sends both to stderr.
    exports dev.sdnotify.internal to dev.sdnotify.lifecycle, dev.sdnotify.agent;

    // JNA binds the libsystemd interface and the direct-mapped libc functions reflectively.
    opens dev.sdnotify.internal.jna to com.sun.jna;
}
