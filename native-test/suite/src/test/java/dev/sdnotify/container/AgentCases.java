package dev.sdnotify.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.TestAbortedException;

/**
 * Runs the agent's cases against the container native-test/servers.sh booted. Without one they skip, naming
 * the command that runs them, or fail under CI=true. Only the rows servers.sh selected run. Each run of a
 * check on a gateway leaves a result row (PASS, FAIL or SKIP, time, the check's note) and its log (what
 * systemd reported at each step; on failure also the unit's journal meanwhile) in the results directory,
 * which servers.sh prints as a table.
 */
final class AgentCases implements BeforeAllCallback, ExecutionCondition, InvocationInterceptor, ParameterResolver {
    private static final AgentSuite SUITE = AgentSuite.fromSystemProperties();

    /** The booted container's suite; only within a case. */
    static AgentSuite suite() {
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
        String why = "no container booted: the agent's server cases run under native-test/servers.sh, which boots one";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(why + " (CI=true: they may not skip)");
        }
        Assumptions.abort(why);
    }

    /** A check runs only where its product is installed and servers.sh selected its row. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Method> method = context.getTestMethod();
        if (SUITE == null || method.isEmpty() || !method.get().isAnnotationPresent(AgentCheck.class)) {
            return ConditionEvaluationResult.enabled("");
        }
        String product = product(context);
        String row = row(context);
        if (!SUITE.products().contains(product)) {
            return ConditionEvaluationResult.disabled(product + " is not installed in " + SUITE.label());
        }
        // Evaluated for the check, then for each of its runs, whose display name is the gateway's.
        AgentGateway gateway = null;
        for (AgentGateway g : AgentGateway.values()) {
            if (g.name().equals(context.getDisplayName())) {
                gateway = g;
            }
        }
        return SUITE.selects(product, row, gateway) ? ConditionEvaluationResult.enabled("selected")
                : ConditionEvaluationResult.disabled(row + (gateway == null ? "" : " on " + gateway) + " not selected");
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
        AgentGateway gateway = null;
        CaseLog log = null;
        for (Object argument : call.getArguments()) {
            if (argument instanceof AgentGateway g) {
                gateway = g;
            } else if (argument instanceof CaseLog l) {
                log = l;
            }
        }
        if (gateway == null || log == null) {
            throw new IllegalStateException(call.getExecutable() + ": a check takes an AgentGateway and a CaseLog");
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
        record(row(context), AgentProduct.of(product(context)), gateway, ms, log, failure, startedMillis);
        if (failure != null) {
            throw failure;
        }
    }

    private static String product(ExtensionContext context) {
        return context.getRequiredTestClass().getAnnotation(AgentCase.class).value();
    }

    private static String row(ExtensionContext context) {
        return product(context) + "-" + context.getRequiredTestMethod().getAnnotation(AgentCheck.class).value();
    }

    private static void record(String row, AgentProduct product, AgentGateway gateway, long ms, CaseLog log,
            Throwable failure, long startedMillis) {
        String verdict = failure == null ? "PASS" : failure instanceof TestAbortedException ? "SKIP" : "FAIL";
        String note = failure == null ? log.note() : String.valueOf(failure.getMessage()).lines().findFirst().orElse("");
        List<String> lines = new ArrayList<>(log.lines());
        if (verdict.equals("FAIL")) {
            lines.add("  journal of " + product.unit() + " since the check began:");
            Container.Result journal = suite().container().run("journalctl", "-q", "-o", "short-monotonic",
                    "--no-pager", "--since", "@" + startedMillis / 1000, "-u", product.unit());
            lines.add(Unit.tail(journal.out(), 80));
            lines.add("  " + failure);
        }
        try {
            Files.createDirectories(suite().results());
            Files.writeString(suite().results().resolve(row + "." + gateway.id() + ".line"),
                    verdict + " " + row + " " + gateway.id() + " " + ms + " " + note.replace('\n', ' ') + "\n",
                    StandardCharsets.UTF_8);
            Files.write(suite().results().resolve(row + "." + gateway.id() + ".log"), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder out = new StringBuilder(String.format("%s %-26s %-4s %5d.%d s  %s%n", verdict, row, gateway.id(),
                ms / 1000, ms % 1000 / 100, note.replace('\n', ' ')));
        if (verdict.equals("FAIL")) {
            lines.stream().flatMap(String::lines).forEach(line -> out.append("      ").append(line).append('\n'));
        }
        System.out.print(out);
    }
}
