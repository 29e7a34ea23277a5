package example.service;

/** Takes {@code ms} to close. */
final class SlowStop {
    private final long ms;

    SlowStop(long ms) {
        this.ms = ms;
    }

    void close() throws InterruptedException {
        Thread.sleep(ms);
    }
}
