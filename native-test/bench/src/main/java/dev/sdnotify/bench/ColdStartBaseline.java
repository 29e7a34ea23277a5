package dev.sdnotify.bench;

/**
 * The same JVM launch without the library: signals readiness with a line on stdout, which costs the
 * JVM nothing it has not already loaded, so the difference to {@link ColdStartService} is the library's.
 */
public final class ColdStartBaseline {
    private ColdStartBaseline() {}

    public static void main(String[] args) {
        System.out.println("READY=1");
    }
}
