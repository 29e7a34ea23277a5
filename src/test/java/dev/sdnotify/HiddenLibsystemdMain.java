package dev.sdnotify;

/**
 * Run by {@link BackendSelectionTest} in a child JVM: prints the backend, then the result of one
 * {@code READY=1} with a status. Any exception is printed with {@link #FAILURE} and ends the JVM with 3.
 */
public final class HiddenLibsystemdMain {
    static final String FAILURE = "FAILED ";
    static final int FAILURE_EXIT = 3;

    private HiddenLibsystemdMain() {}

    public static void main(String[] args) {
        try {
            System.out.println(SdNotify.backend());
            System.out.println(SdNotify.ready("hidden"));
        } catch (RuntimeException e) {
            System.out.println(FAILURE + e.getClass().getName() + ": " + e.getMessage());
            System.out.flush();
            System.exit(FAILURE_EXIT);
        }
    }
}
