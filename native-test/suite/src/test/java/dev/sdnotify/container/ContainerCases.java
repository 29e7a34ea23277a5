package dev.sdnotify.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs the cases against the container native-test/run.sh booted. Without one (the tests run on their own)
 * they skip, naming the command that runs them, or fail under CI=true. Each run of a case on a backend
 * leaves a result row (verdict, time, the case's note) and a log in the results directory, which run.sh
 * prints as a table; a failed one also shows what the journal of that backend's units said meanwhile.
 */
final class ContainerCases implements BeforeAllCallback, InvocationInterceptor, ParameterResolver {
    private static final Suite SUITE = Suite.fromSystemProperties();

    /** The booted container's suite; only within a case. */
    static Suite suite() {
        if (SUITE == null) {
            throw new IllegalStateException("no container was booted for this run");
        }
        return SUITE;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (SUITE != null) {
            return;
        }
        String why = "no container booted: the container cases run under native-test/run.sh, which boots one";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(why + " (CI=true: they may not skip)");
        }
        Assumptions.abort(why);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CaseLog.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return new CaseLog();
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        String name = context.getRequiredTestClass().getAnnotation(ContainerCase.class).value();
        Backend backend = null;
        CaseLog log = null;
        for (Object argument : call.getArguments()) {
            if (argument instanceof Backend b) {
                backend = b;
            } else if (argument instanceof CaseLog l) {
                log = l;
            } else if (argument instanceof String detail) {
                name = name.isEmpty() ? detail : name + "-" + detail;
            }
        }
        if (backend == null || log == null) {
            throw new IllegalStateException(call.getExecutable() + ": a case takes a Backend and a CaseLog");
        }
        long startedMillis = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Throwable failure = null;
        try {
            invocation.proceed();
        } catch (Throwable t) {
            failure = t;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        record(name, backend, ms, log, failure, startedMillis);
        if (failure != null) {
            throw failure;
        }
    }

    private static void record(String name, Backend backend, long ms, CaseLog log, Throwable failure,
            long startedMillis) {
        String verdict = failure == null ? "PASS" : "FAIL";
        String note = failure == null ? log.note() : String.valueOf(failure.getMessage()).lines().findFirst().orElse("");
        List<String> lines = new ArrayList<>(log.lines());
        if (failure != null) {
            lines.add("  journal of sdn-*@" + backend + " units since the case began:");
            Container.Result journal = suite().container().run("journalctl", "-q", "-o", "short-monotonic",
                    "--no-pager", "--since", "@" + startedMillis / 1000, "-u", "sdn-*@" + backend + ".service",
                    "-u", "sdn-*@" + backend + ".socket");
            lines.add(Unit.tail(journal.out(), 60));
            lines.add("  " + failure);
        }
        try {
            Files.createDirectories(suite().results());
            Files.writeString(suite().results().resolve(name + "." + backend + ".line"),
                    verdict + " " + name + " " + backend + " " + ms + " " + note.replace('\n', ' ') + "\n",
                    StandardCharsets.UTF_8);
            Files.write(suite().results().resolve(name + "." + backend + ".log"), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder out = new StringBuilder(String.format("%s %-24s %-10s %5d.%d s%n", verdict, name, backend,
                ms / 1000, ms % 1000 / 100));
        if (failure != null) {
            lines.stream().flatMap(String::lines).forEach(line -> out.append("      ").append(line).append('\n'));
        }
        System.out.print(out);
    }
}
