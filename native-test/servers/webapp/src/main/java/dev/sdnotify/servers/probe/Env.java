package dev.sdnotify.servers.probe;

/** The application's settings: environment variables of the server's unit. */
final class Env {
    private Env() {}

    static long number(String name, long otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : Long.parseLong(value.strip());
    }

    static String text(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }
}
