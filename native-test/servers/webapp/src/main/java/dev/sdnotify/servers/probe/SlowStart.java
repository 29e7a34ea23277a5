package dev.sdnotify.servers.probe;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.lang.reflect.Proxy;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;

/**
 * Makes the application's start, and so Tomcat's, take PROBE_START_SECONDS (none when unset). With
 * PROBE_START_MODE=work the time is spent as a slow real start spends it: computing, allocating and defining
 * classes, a quarter of each half second; otherwise asleep. One line a second on standard output.
 */
@WebListener
public class SlowStart implements ServletContextListener {
    private static final long SLICE_MILLIS = 500;
    private static final long WORK_MILLIS = 125;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        long seconds = Env.number("PROBE_START_SECONDS", 0);
        if (seconds <= 0) {
            return;
        }
        boolean work = "work".equals(System.getenv("PROBE_START_MODE"));
        System.out.println("probe: a start of " + seconds + " s, " + (work ? "working" : "asleep"));
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long classes = 0;
        long lastLine = 0;
        while (System.nanoTime() < end) {
            long slice = System.nanoTime();
            if (work) {
                classes += work(slice + TimeUnit.MILLISECONDS.toNanos(WORK_MILLIS));
            }
            long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            if (elapsed > lastLine) {
                lastLine = elapsed;
                System.out.println("probe: starting, " + elapsed + " of " + seconds + " s" + (work ? ", " + classes + " classes defined" : ""));
            }
            long left = Math.min(end, slice + TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS)) - System.nanoTime();
            if (left > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted in the slow start", e);
                }
            }
        }
        System.out.println("probe: started after " + seconds + " s");
    }

    /** Until {@code until} (System.nanoTime): hashes fresh arrays and defines a class; returns the classes defined. */
    private static long work(long until) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long classes = 0;
        while (System.nanoTime() < until) {
            digest.update(new byte[1 << 16]);
            // A proxy class of its own loader is a class defined anew.
            ClassLoader loader = new ClassLoader(SlowStart.class.getClassLoader()) {};
            Proxy.newProxyInstance(loader, new Class<?>[] {Runnable.class}, (proxy, method, args) -> null);
            classes++;
        }
        digest.digest();
        return classes;
    }
}
