package dev.sdnotify.agent.boot;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The lines this JVM writes to {@code System.out} and {@code System.err}, for {@code log:} predicates. Put in front
 * of both streams by {@code premain}, before the application has written anything, it passes every byte through
 * unchanged and keeps each line (up to {@value #MAX_KEPT} characters in all) until the agent hands it a matcher;
 * from then on each line goes to the matcher, and once the matcher answers true the tap only passes bytes on.
 */
final class LineTap implements Consumer<Predicate<String>> {
    private static final int MAX_LINE = 8192;
    private static final int MAX_KEPT = 1 << 20;

    private final List<String> kept = new ArrayList<>();
    private int keptChars;
    private Predicate<String> matcher;
    private volatile boolean done;

    private LineTap() {}

    static LineTap install() {
        LineTap tap = new LineTap();
        Charset charset = Charset.forName(System.getProperty("stdout.encoding",
                System.getProperty("sun.stdout.encoding", Charset.defaultCharset().name())));
        System.setOut(new PrintStream(tap.new Stream(System.out, charset), true, charset));
        System.setErr(new PrintStream(tap.new Stream(System.err, charset), true, charset));
        return tap;
    }

    /** The agent's matcher, given the lines kept so far and then each new one; only the first matcher counts. */
    @Override
    public synchronized void accept(Predicate<String> m) {
        if (matcher != null) {
            return;
        }
        matcher = m;
        for (String line : kept) {
            if (done = m.test(line)) {
                break;
            }
        }
        kept.clear();
    }

    private synchronized void line(String text) {
        if (done) {
            return;
        }
        if (matcher != null) {
            done = matcher.test(text);
        } else if (keptChars + text.length() <= MAX_KEPT) {
            kept.add(text);
            keptChars += text.length();
        }
    }

    /** One stream's bytes: forwarded, and cut into lines while the tap still looks. */
    private final class Stream extends OutputStream {
        private final PrintStream out;
        private final Charset charset;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Stream(PrintStream out, Charset charset) {
            this.out = out;
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
                        line(line.toString(charset));
                        line.reset();
                    } else if (line.size() < MAX_LINE) {
                        line.write(b[i]);
                    }
                }
            }
        }

        @Override
        public void flush() {
            out.flush();
        }
    }
}
