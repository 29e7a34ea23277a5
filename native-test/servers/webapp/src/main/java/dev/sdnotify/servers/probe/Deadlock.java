package dev.sdnotify.servers.probe;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * GET /deadlock: two daemon threads take two monitors in opposite orders and block on each other for good
 * (once per JVM); answers 200 once both are blocked, 500 if they are not within 5 s.
 */
@WebServlet("/deadlock")
public class Deadlock extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Object FIRST = new Object();
    private static final Object SECOND = new Object();
    private static Thread[] threads;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Thread[] pair = start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!blocked(pair) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean blocked = blocked(pair);
        response.setStatus(blocked ? HttpServletResponse.SC_OK : HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        response.setContentType("text/plain");
        response.getWriter().println((blocked ? "deadlocked: " : "not deadlocked: ") + pair[0].getName() + ", " + pair[1].getName());
    }

    private static synchronized Thread[] start() {
        if (threads == null) {
            CountDownLatch bothHoldOne = new CountDownLatch(2);
            threads = new Thread[] {
                new Thread(() -> lock(FIRST, SECOND, bothHoldOne), "probe-deadlock-1"),
                new Thread(() -> lock(SECOND, FIRST, bothHoldOne), "probe-deadlock-2")};
            for (Thread thread : threads) {
                thread.setDaemon(true);
                thread.start();
            }
            System.out.println("probe: deadlocking " + threads[0].getName() + " and " + threads[1].getName());
        }
        return threads;
    }

    private static void lock(Object held, Object wanted, CountDownLatch bothHoldOne) {
        synchronized (held) {
            bothHoldOne.countDown();
            try {
                bothHoldOne.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (wanted) {
                throw new IllegalStateException("took both monitors: no deadlock");
            }
        }
    }

    private static boolean blocked(Thread[] pair) {
        return pair[0].getState() == Thread.State.BLOCKED && pair[1].getState() == Thread.State.BLOCKED;
    }
}
