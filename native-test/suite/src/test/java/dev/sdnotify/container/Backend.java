package dev.sdnotify.container;

/**
 * The two backends every case runs on. The libsystemd instances ask for libsystemd; the java instances run
 * with the default choice and cannot see libsystemd's files (native-test/run.sh writes each instance's
 * drop-in). Each listens on ports of its own, so that both run side by side.
 */
enum Backend {
    LIBSYSTEMD("libsystemd", 181),
    JAVA("java", 182);

    private final String id;
    private final int portPrefix;

    Backend(String id, int portPrefix) {
        this.id = id;
        this.portPrefix = portPrefix;
    }

    /** The instance name of this backend's units, as in sdn-ready@libsystemd.service. */
    String id() {
        return id;
    }

    /** The port with this backend's prefix and the two digits {@code suffix}: 18107 for LIBSYSTEMD and 7. */
    int port(int suffix) {
        return portPrefix * 100 + suffix;
    }

    /** This backend's instance of the template unit {@code prefix} (sdn-ready@ gives sdn-ready@java.service). */
    String unit(String prefix) {
        return prefix + id + ".service";
    }

    @Override
    public String toString() {
        return id;
    }
}
