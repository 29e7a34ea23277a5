package dev.sdnotify.container;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * What native-test/run.sh knows about the booted container, passed as system properties: its PID 1, the
 * root it booted (the host's or a Debian rootfs) and that root's systemd, what the libsystemd backend reports
 * on that root's library, and the gateway each kind of service runs on.
 */
record Suite(
        long pid,
        String label,
        int systemd,
        String libsystemdReport,
        String jrunGateway,
        String webGateway,
        Path results,
        Path repository) {

    static final String PID = "sdnotify.ct.pid";

    /** The suite of this run, or null when no container was booted for it. */
    static Suite fromSystemProperties() {
        String pid = System.getProperty(PID, "");
        if (pid.isEmpty()) {
            return null;
        }
        return new Suite(
                Long.parseLong(pid),
                required("sdnotify.ct.label"),
                Integer.parseInt(required("sdnotify.ct.systemd")),
                required("sdnotify.ct.libsystemd.report"),
                required("sdnotify.ct.jrun.gateway"),
                required("sdnotify.ct.web.gateway"),
                Path.of(required("sdnotify.ct.results")),
                Path.of(required("sdnotify.ct.repository")).toAbsolutePath().normalize());
    }

    private static String required(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set (native-test/run.sh sets it)");
        }
        return value;
    }

    Container container() {
        return new Container(pid);
    }

    /**
     * The regex of the line a service logs for the backend the library chose (as Svc.begin prints
     * it): libsystemd on gateway {@code gateway} with what this root's release lacks, or java because
     * libsystemd cannot be loaded.
     */
    String backendLine(Backend backend, String gateway) {
        return switch (backend) {
            case LIBSYSTEMD -> "backend=libsystemd via " + gateway + ": " + Pattern.quote(libsystemdReport) + "$";
            case JAVA -> "backend=java via " + gateway + ": libsystemd cannot be loaded \\(";
        };
    }
}
