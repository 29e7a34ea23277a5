/**
 * Readiness, status, watchdog keep-alives, the file descriptor store and socket activation for services
 * supervised by systemd, with libsystemd's semantics whether or not libsystemd is installed.
 */
module dev.sdnotify {
    requires com.sun.jna;
    requires com.sun.jna.platform;

    exports dev.sdnotify;

    // JNA reads and writes the structures' fields and builds the libsystemd proxy reflectively.
    opens dev.sdnotify.internal.jna to com.sun.jna;
}
