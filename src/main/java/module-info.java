/**
 * Readiness, status, watchdog keep-alives, the file descriptor store and socket activation for services
 * supervised by systemd, with libsystemd's semantics whether or not libsystemd is installed.
 */
module dev.sdnotify {
    requires com.sun.jna;

    exports dev.sdnotify;
    // The logging facade, for the lifecycle module's messages to go where the library's go.
    exports dev.sdnotify.internal to dev.sdnotify.lifecycle;

    // JNA binds the libsystemd interface and the direct-mapped libc functions reflectively.
    opens dev.sdnotify.internal.jna to com.sun.jna;
}
