package dev.sdnotify.internal.jna;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The mount table of this process ({@code /proc/self/mountinfo}), for the per-mount noexec flag. */
final class Mounts {
    static final class Mount {
        final Path point;
        final boolean noexec;

        Mount(Path point, boolean noexec) {
            this.point = point;
            this.noexec = noexec;
        }
    }

    private final List<Mount> mounts;

    Mounts(List<Mount> mounts) {
        this.mounts = mounts;
    }

    static Mounts ofThisProcess() {
        try {
            return parse(Files.readAllLines(Paths.get("/proc/self/mountinfo")));
        } catch (IOException | UncheckedIOException e) {
            return new Mounts(Collections.emptyList());
        }
    }

    /** Lines of mountinfo(5): field 5 is the mount point, field 6 the per-mount options. */
    static Mounts parse(List<String> lines) {
        List<Mount> result = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 6) {
                continue;
            }
            boolean noexec = false;
            for (String option : f[5].split(",")) {
                noexec |= option.equals("noexec");
            }
            result.add(new Mount(Paths.get(unescape(f[4])), noexec));
        }
        return new Mounts(result);
    }

    /** mountinfo writes space, tab, newline and backslash in paths as octal escapes. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: keep the backslash
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The mount {@code path} is on: the last listed whose mount point is the longest prefix of it. */
    Mount find(Path path) {
        Mount best = null;
        for (Mount m : mounts) {
            if (path.startsWith(m.point)
                    && (best == null || m.point.getNameCount() >= best.point.getNameCount())) {
                best = m;
            }
        }
        return best;
    }
}
