package dev.sdnotify.testing;

/** Which native gateway the library under test uses in this JVM, and where its classes are. */
public final class TestGateway {
    private TestGateway() {}

    /**
     * {@code FFM} or {@code JNA}: what the build's test run asked for ({@code sdnotify.test.gateway}), else
     * what {@code auto} picks on this JDK.
     */
    public static String expected() {
        return System.getProperty("sdnotify.test.gateway", Runtime.version().feature() >= 22 ? "FFM" : "JNA");
    }

    /** The prefix {@code backend().toString()} starts with for {@code backend} ({@code java}, {@code libsystemd}). */
    public static String prefix(String backend) {
        return backend + " via " + expected() + ": ";
    }

    /** Whether a class path entry holds the library itself: the packaged jar, or target/classes. */
    public static boolean isLibrary(String entry) {
        return entry.endsWith("target/classes") || entry.matches(".*/target/sdnotify-[^/]*[0-9T](-SNAPSHOT)?\\.jar");
    }
}
