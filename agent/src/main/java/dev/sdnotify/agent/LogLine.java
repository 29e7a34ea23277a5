package dev.sdnotify.agent;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code log:REGEX}: a line this JVM wrote to {@code System.out} or {@code System.err} matched REGEX (once it has,
 * the check holds for good). {@link #watch} puts a tap between the JVM's two streams and whatever writes to them
 * from then on; the tap passes every byte through unchanged and, once every pattern has matched, stops looking.
 */
final class LogLine implements Check {
    private final Pattern pattern;
    private volatile boolean seen;

    LogLine(Pattern pattern) {
        this.pattern = pattern;
    }

    @Override
    public String failure() {
        return seen ? null : "no line matching " + pattern + " yet";
    }

    @Override
    public String toString() {
        return "a line matching " + pattern;
    }

    /** Taps {@code System.out} and {@code System.err} for {@code lines}, if there are any. */
    static void watch(List<LogLine> lines) {
        if (lines.isEmpty()) {
            return;
        }
        System.setOut(tap(System.out, lines));
        System.setErr(tap(System.err, lines));
    }

    private static PrintStream tap(PrintStream stream, List<LogLine> lines) {
        Charset charset = Charset.forName(System.getProperty("stdout.encoding",
                System.getProperty("sun.stdout.encoding", Charset.defaultCharset().name())));
        return new PrintStream(new Tap(stream, lines, charset), true, charset);
    }

    /** Forwards every byte; collects each line while some pattern has not matched. */
    private static final class Tap extends OutputStream {
        private final PrintStream out;
        private final List<LogLine> lines;
        private final Charset charset;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private volatile boolean done;

        Tap(PrintStream out, List<LogLine> lines, Charset charset) {
            this.out = out;
            this.lines = lines;
            this.charset = charset;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.write(b, off, len);
            if (done) {
                return;
            }
            synchronized (line) {
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        match(line.toString(charset));
                        line.reset();
                    } else if (line.size() < 8192) {
                        line.write(b[i]);
                    }
                }
            }
        }

        private void match(String text) {
            boolean all = true;
            for (LogLine l : lines) {
                if (!l.seen && l.pattern.matcher(text).find()) {
                    l.seen = true;
                }
                all &= l.seen;
            }
            done = all;
        }

        @Override
        public void flush() {
            out.flush();
        }
    }
}
