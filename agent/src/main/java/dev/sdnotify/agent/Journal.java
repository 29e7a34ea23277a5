package dev.sdnotify.agent;

import java.io.PrintStream;
import java.lang.System.Logger.Level;

/**
 * The agent's lines: on the JVM's standard error as it was when the agent started (systemd puts it in the
 * journal), each with the {@code <N>} priority prefix of sd-daemon(3). Neither {@code java.util.logging} nor
 * {@code System.Logger} is touched: the application installs its own logging first. DEBUG and TRACE are dropped.
 */
final class Journal {
    private static final PrintStream ERR = System.err;

    private Journal() {}

    static void log(Level level, String text) {
        int priority;
        switch (level) {
            case ERROR:
                priority = 3;
                break;
            case WARNING:
                priority = 4;
                break;
            case INFO:
                priority = 6;
                break;
            default:
                return;
        }
        ERR.println("<" + priority + ">sdnotify-agent: " + text);
    }
}
