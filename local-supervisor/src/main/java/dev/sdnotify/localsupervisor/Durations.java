package dev.sdnotify.localsupervisor;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Time spans in nanoseconds, read and written as systemd writes them in units ("90s", "500ms", "1min 30s"). */
final class Durations {
    /** A span that never ends: systemd's "infinity". */
    static final long INFINITE = Long.MAX_VALUE;

    private static final long US = 1_000;
    private static final long MS = 1_000_000;
    private static final long S = 1_000_000_000;
    private static final long MIN = 60 * S;
    private static final long H = 60 * MIN;
    private static final long D = 24 * H;
    private static final Map<String, Long> UNITS = Map.ofEntries(Map.entry("us", US), Map.entry("usec", US),
            Map.entry("ms", MS), Map.entry("msec", MS), Map.entry("", S), Map.entry("s", S), Map.entry("sec", S),
            Map.entry("m", MIN), Map.entry("min", MIN), Map.entry("h", H), Map.entry("hr", H), Map.entry("d", D));
    private static final List<Map.Entry<String, Long>> SHOWN = List.of(Map.entry("d", D), Map.entry("h", H),
            Map.entry("min", MIN), Map.entry("s", S), Map.entry("ms", MS), Map.entry("us", US));
    private static final Pattern PART = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-z]*)\\s*");

    private Durations() {
    }

    /**
     * Reads a span as systemd reads {@code TimeoutStartSec=} and {@code WatchdogSec=}: numbers with units, which
     * add up ("1min 30s"); a bare number is seconds.
     *
     * @throws IllegalArgumentException if {@code text} is none of that
     */
    static long parse(String text) {
        if (text.trim().equals("infinity")) {
            return INFINITE;
        }
        Matcher part = PART.matcher(text);
        BigDecimal total = BigDecimal.ZERO;
        int at = 0;
        while (at < text.length()) {
            if (!part.find(at) || part.start() != at || !UNITS.containsKey(part.group(2))) {
                throw new IllegalArgumentException(text);
            }
            total = total.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(UNITS.get(part.group(2)))));
            at = part.end();
        }
        if (at == 0 || total.compareTo(BigDecimal.valueOf(INFINITE)) >= 0) {
            throw new IllegalArgumentException(text);
        }
        // Whole microseconds, as systemd keeps them.
        return total.longValue() / US * US;
    }

    /** A configured span as systemd shows it: "1min 30s", "500ms", "infinity". */
    static String format(long nanos) {
        if (nanos == INFINITE) {
            return "infinity";
        }
        if (nanos == 0) {
            return "0";
        }
        StringBuilder text = new StringBuilder();
        long rest = nanos;
        for (Map.Entry<String, Long> unit : SHOWN) {
            long count = rest / unit.getValue();
            if (count > 0) {
                text.append(text.length() > 0 ? " " : "").append(count).append(unit.getKey());
                rest -= count * unit.getValue();
            }
        }
        return text.length() > 0 ? text.toString() : nanos + "ns";
    }

    /** A measured time, to the millisecond: "4.001 s". */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
