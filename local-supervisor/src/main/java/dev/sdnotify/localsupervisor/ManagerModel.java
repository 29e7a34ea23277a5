package dev.sdnotify.localsupervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What systemd's service manager would make of a {@code Type=notify} service's notifications, as its
 * service_notify_message reads them: the main pid, the start timeout, the watchdog, and the state the unit would
 * show. It reads every message, as {@code NotifyAccess=all} would, and says when {@code NotifyAccess=main} would
 * not. Times are nanoseconds on the {@link Console}'s clock, which starts with the command.
 */
final class ManagerModel {
    /** No deadline. */
    static final long NEVER = Long.MAX_VALUE;
    /** USEC_INFINITY, as C's unsigned 64 bits read into a signed long. */
    private static final long USEC_INFINITY = -1;

    private enum Phase { STARTING, RUNNING, RELOADING, STOPPING }

    private final long configuredWatchdog;
    private Phase phase = Phase.STARTING;
    private int mainPid;
    private long startDeadline;
    private boolean startTimedOut;
    /** The watchdog interval in force, 0 for none: WatchdogSec= until a WATCHDOG_USEC= replaces it. */
    private long watchdog;
    private long lastKeepAlive;
    private long watchdogDeadline = NEVER;

    /**
     * @param startTimeout {@code TimeoutStartSec=}, {@link Durations#INFINITE} for none
     * @param watchdog {@code WatchdogSec=}, 0 for none
     */
    ManagerModel(int mainPid, long startTimeout, long watchdog) {
        this.mainPid = mainPid;
        this.startDeadline = startTimeout == Durations.INFINITE ? NEVER : startTimeout;
        this.configuredWatchdog = watchdog;
        this.watchdog = watchdog;
    }

    /** The next time {@link #expire(long)} has something to say, or {@link #NEVER}. */
    long nextDeadline() {
        return Math.min(startDeadline, watchdogDeadline);
    }

    /** The pid systemd would take for the main process: the command's, until a MAINPID= names another. */
    int mainPid() {
        return mainPid;
    }

    /** Takes in one message at {@code now}; returns what systemd would make of it. */
    List<String> receive(Notification message, long now) {
        List<String> notes = new ArrayList<>();
        Optional<String> dropped = message.dropReason();
        if (dropped.isPresent()) {
            notes.add("systemd would drop this message whole: " + dropped.get());
            return notes;
        }
        if (message.pid() != mainPid) {
            notes.add("pid " + message.pid() + " is not the main pid " + mainPid + ": with NotifyAccess=main, "
                    + "Type=notify's default, systemd would ignore this message (NotifyAccess=all takes it)");
        }
        message.value("MAINPID").ifPresent(value -> mainPid(value, notes));
        if (message.has("STOPPING=1")) {
            stopping(notes);
        } else if (message.has("READY=1")) {
            ready(now, notes);
        } else if (message.has("RELOADING=1")) {
            reloading(notes);
        }
        message.value("EXTEND_TIMEOUT_USEC").ifPresent(value -> extendTimeout(value, now, notes));
        message.value("WATCHDOG").ifPresent(value -> watchdog(value, now, notes));
        message.value("WATCHDOG_USEC").ifPresent(value -> watchdogUsec(value, now, notes));
        if (message.has("FDSTORE=1")) {
            notes.add("fd store: systemd would keep these fds only with FileDescriptorStoreMax= set in the unit; "
                    + "they are closed here");
        }
        if (message.has("BARRIER=1")) {
            notes.add("barrier: closing its fd, as here, tells the sender that every earlier message was read");
        }
        return notes;
    }

    /** The timeouts that have run out by {@code now}, each reported once. */
    List<String> expire(long now) {
        List<String> lines = new ArrayList<>();
        if (startDeadline <= now) {
            startDeadline = NEVER;
            startTimedOut = true;
            lines.add("start timeout: no READY=1 after " + Durations.seconds(now) + ": systemd would stop the "
                    + "service with SIGTERM now and fail the start (Result=timeout); the command keeps running here");
        }
        if (watchdogDeadline <= now) {
            watchdogDeadline = NEVER;
            lines.add("watchdog: no keep-alive for " + Durations.seconds(now - lastKeepAlive) + " (" + interval()
                    + "): systemd would stop the service with SIGABRT now (Result=watchdog); the command keeps "
                    + "running here");
        }
        return lines;
    }

    private void mainPid(String value, List<String> notes) {
        if (!value.matches("\\d{1,9}") || Integer.parseInt(value) <= 1) {
            notes.add("systemd would ignore MAINPID=" + value + ": not a pid");
        } else if (phase == Phase.STOPPING) {
            notes.add("systemd takes MAINPID= only while the service starts, runs or reloads");
        } else {
            mainPid = Integer.parseInt(value);
            notes.add("main pid: systemd would take pid " + mainPid + " for the service's main process (if it is in "
                    + "the unit's cgroup or the sender is root) and accept its notifications from now on");
        }
    }

    private void stopping(List<String> notes) {
        phase = Phase.STOPPING;
        startDeadline = NEVER;
        watchdogDeadline = NEVER;
        notes.add("stopping: systemd would show the unit as deactivating, stop the watchdog and give the process "
                + "TimeoutStopSec= (90s by default) to exit");
    }

    private void ready(long now, List<String> notes) {
        switch (phase) {
            case STARTING -> {
                phase = Phase.RUNNING;
                startDeadline = NEVER;
                resetWatchdog(now);
                notes.add(startTimedOut
                        ? "ready, after the start timeout: systemd would have failed the start already"
                        : "ready: systemd would now start the units ordered after this one");
                if (watchdog != 0) {
                    notes.add("watchdog: systemd now expects WATCHDOG=1 at least every " + Durations.format(watchdog));
                }
            }
            case RELOADING -> {
                phase = Phase.RUNNING;
                notes.add("reloaded: systemd would show the unit as active again");
            }
            default -> notes.add("ready again: systemd acts on READY=1 only while the service starts or reloads");
        }
    }

    private void reloading(List<String> notes) {
        if (phase == Phase.RUNNING) {
            phase = Phase.RELOADING;
            notes.add("reloading: systemd would show the unit as reloading until the next READY=1");
        } else {
            notes.add("systemd acts on RELOADING=1 only once the service is running");
        }
    }

    private void extendTimeout(String value, long now, List<String> notes) {
        OptionalLong usec = unsigned(value);
        if (usec.isEmpty() || usec.getAsLong() == 0 || usec.getAsLong() == USEC_INFINITY) {
            notes.add("systemd would ignore EXTEND_TIMEOUT_USEC=" + value + ": it takes microseconds above 0");
            return;
        }
        long until = saturatedAdd(now, nanos(usec.getAsLong()));
        if (phase == Phase.STARTING && startDeadline != NEVER) {
            startDeadline = Math.max(startDeadline, until);
            notes.add("start timeout extended: systemd would wait for READY=1 until at least "
                    + Durations.seconds(startDeadline));
        } else if (phase == Phase.STARTING) {
            notes.add(startTimedOut ? "too late: the start timeout has run out already"
                    : "there is no start timeout to extend (TimeoutStartSec=infinity)");
        } else if (phase == Phase.RUNNING) {
            notes.add("while the service runs, systemd extends only RuntimeMaxSec= and the watchdog");
        } else {
            notes.add("systemd would let the " + (phase == Phase.RELOADING ? "reload" : "stop") + " run until at "
                    + "least " + Durations.seconds(until));
        }
        if (watchdogDeadline != NEVER && watchdogDeadline < until) {
            watchdogDeadline = until;
            notes.add("the watchdog too waits until at least " + Durations.seconds(until));
        }
    }

    private void watchdog(String value, long now, List<String> notes) {
        switch (value) {
            case "1" -> {
                if (watchdog == 0) {
                    notes.add("keep-alive without a watchdog: systemd would ignore it (start with --watchdog, as "
                            + "WatchdogSec= in a unit)");
                }
                resetWatchdog(now);
            }
            case "trigger" -> notes.add("watchdog trigger: systemd would stop the service with SIGABRT now "
                    + "(Result=watchdog); the command keeps running here");
            default -> notes.add("systemd would ignore WATCHDOG=" + value + ": only 1 and trigger mean something");
        }
    }

    private void watchdogUsec(String value, long now, List<String> notes) {
        OptionalLong usec = unsigned(value);
        if (usec.isEmpty()) {
            notes.add("systemd would ignore WATCHDOG_USEC=" + value + ": not a number of microseconds");
            return;
        }
        watchdog = usec.getAsLong() == USEC_INFINITY ? 0 : nanos(usec.getAsLong());
        resetWatchdog(now);
        notes.add(watchdog == 0
                ? "watchdog off: systemd would no longer expect keep-alives"
                : "watchdog: systemd would now expect WATCHDOG=1 at least every " + Durations.format(watchdog));
    }

    /** What systemd does on READY=1, WATCHDOG=1 and WATCHDOG_USEC=: the interval starts again from now. */
    private void resetWatchdog(long now) {
        lastKeepAlive = now;
        watchdogDeadline = watchdog == 0 ? NEVER : saturatedAdd(now, watchdog);
    }

    private String interval() {
        return watchdog == configuredWatchdog ? "WatchdogSec=" + Durations.format(watchdog)
                : "WATCHDOG_USEC=" + watchdog / 1000;
    }

    /** An unsigned 64-bit decimal number as systemd's safe_atou64 reads it, in a long's 64 bits. */
    private static OptionalLong unsigned(String value) {
        try {
            return value.matches("\\d+") ? OptionalLong.of(Long.parseUnsignedLong(value)) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Microseconds as nanoseconds, {@link #NEVER} beyond a long. */
    private static long nanos(long usec) {
        return usec < 0 || usec > NEVER / 1000 ? NEVER : usec * 1000;
    }

    private static long saturatedAdd(long time, long span) {
        return span >= NEVER - time ? NEVER : time + span;
    }
}
