package dev.sdnotify.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.lifecycle.ServiceLifecycle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

class SdNotifyAutoConfigurationTest {
    private static final String SOCKET = "NOTIFY_SOCKET=/run/test/notify";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class,
                    SdNotifyAutoConfiguration.class));

    /** A supervisor that accepts every message; with {@code watchdog}, one that asks for keep-alives. */
    static Notifier supervisor(Duration watchdog) {
        Notifier n = mock(Notifier.class);
        when(n.isAvailable()).thenReturn(true);
        when(n.send(any())).thenReturn(true);
        when(n.ready(anyString())).thenReturn(true);
        when(n.status(anyString())).thenReturn(true);
        when(n.watchdog()).thenReturn(true);
        when(n.watchdogInterval()).thenReturn(Optional.ofNullable(watchdog));
        when(n.withSendTimeout(any())).thenReturn(n);
        return n;
    }

    /** What SpringApplication publishes once started, and once the runners have run. */
    static void ready(ConfigurableApplicationContext context) {
        AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
        AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
    }

    @Test
    void withoutASupervisorItDefinesNothing() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(ServiceLifecycle.class);
            assertThat(context).doesNotHaveBean(Notifier.class);
        });
    }

    @Test
    void switchedOffItDefinesNothing() {
        runner.withPropertyValues(SOCKET, "sdnotify.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(ServiceLifecycle.class);
            assertThat(context).doesNotHaveBean(Notifier.class);
        });
    }

    @Test
    void underASupervisorTheNotifierComesFromTheEnvironment() {
        runner.withPropertyValues(SOCKET).run(context -> {
            assertThat(context).hasSingleBean(LifecycleEvents.class);
            assertThat(context).hasSingleBean(Notifier.class);
        });
    }

    @Test
    void readyOnceWhenTheApplicationFirstAcceptsTraffic() {
        Notifier n = supervisor(null);
        runner.withPropertyValues(SOCKET).withBean(Notifier.class, () -> n).run(context -> {
            verify(n, never()).ready(anyString());
            ready(context);
            verify(n).ready(startsWith("Accepting traffic"));
            AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
            verify(n).send(NotifyState.status("Refusing traffic"));
            ready(context);
            verify(n, times(1)).ready(anyString());
            verify(n, times(1)).send(argThat(state -> state.toString().startsWith("STATUS=Accepting traffic (started in ")));
        });
    }

    @Test
    void readySwitchedOffSendsOnlyTheStatus() {
        Notifier n = supervisor(null);
        runner.withPropertyValues(SOCKET, "sdnotify.ready.enabled=false").withBean(Notifier.class, () -> n)
                .run(context -> {
                    ready(context);
                    verify(n, never()).ready(anyString());
                    verify(n).send(argThat(state -> state.toString().startsWith("STATUS=Accepting traffic (started in ")));
                });
    }

    @Test
    void stoppingWhenTheContextCloses() {
        Notifier n = supervisor(null);
        runner.withPropertyValues(SOCKET).withBean(Notifier.class, () -> n).run(context -> {
            ready(context);
            verify(n, never()).send(any());
            context.close();
            InOrder order = inOrder(n);
            order.verify(n).ready(anyString());
            order.verify(n).send(NotifyState.STOPPING, NotifyState.status("Shutting down"));
            // After STOPPING, readiness changes tell systemd nothing more.
            verify(n, times(1)).send(any(), any());
        });
    }

    @Test
    void stoppingSwitchedOff() {
        Notifier n = supervisor(null);
        runner.withPropertyValues(SOCKET, "sdnotify.stopping.enabled=false").withBean(Notifier.class, () -> n)
                .run(context -> {
                    ready(context);
                    context.close();
                    verify(n, never()).send(any(), any());
                });
    }

    @Test
    void keepAlivesStartAtReadinessAndStopWhenLivenessBreaks() {
        Notifier n = supervisor(Duration.ofMillis(200));
        runner.withPropertyValues(SOCKET).withBean(Notifier.class, () -> n).run(context -> {
            ServiceLifecycle s = context.getBean(ServiceLifecycle.class);
            // systemd arms the watchdog when the start is complete: nothing before READY.
            verify(n, after(300).never()).watchdog();
            ready(context);
            verify(n, timeout(2000).atLeast(3)).watchdog();
            assertThat(s.keeper().orElseThrow().isRunning()).isTrue();
            AvailabilityChangeEvent.publish(context, LivenessState.BROKEN);
            verify(n, timeout(2000)).send(org.mockito.ArgumentMatchers.argThat(st -> st != null && st.toString().startsWith("STATUS=Watchdog: ")));
            assertThat(s.keeper().orElseThrow().failure()).get().asString().contains("liveness state is BROKEN");
            assertThat(s.keeper().orElseThrow().isRunning()).isFalse();
        });
    }

    @Test
    void noKeeperWithoutWatchdogSec() {
        Notifier n = supervisor(null);
        runner.withPropertyValues(SOCKET).withBean(Notifier.class, () -> n).run(context -> {
            ready(context);
            assertThat(context.getBean(ServiceLifecycle.class).keeper()).isEmpty();
            verify(n, after(200).never()).watchdog();
        });
    }

    @Test
    void anUnreadableWatchdogIntervalLeavesTheApplicationRunning() {
        Notifier n = supervisor(null);
        when(n.watchdogInterval()).thenThrow(new dev.sdnotify.SdNotifyException("sd_watchdog_enabled", 22,
                "WATCHDOG_USEC=\"x\" is not a number"));
        runner.withPropertyValues(SOCKET).withBean(Notifier.class, () -> n).run(context -> {
            ready(context);
            verify(n).ready(startsWith("Accepting traffic"));
            assertThat(context.getBean(ServiceLifecycle.class).keeper()).isEmpty();
            assertThat(context.isActive()).isTrue();
        });
    }

    @Test
    void watchdogSwitchedOff() {
        Notifier n = supervisor(Duration.ofMillis(200));
        runner.withPropertyValues(SOCKET, "sdnotify.watchdog.enabled=false").withBean(Notifier.class, () -> n)
                .run(context -> {
                    ready(context);
                    verify(n, after(400).never()).watchdog();
                });
    }

    @Test
    void theStoppingContextEndsTheKeepAlives() {
        Notifier n = supervisor(Duration.ofMillis(200));
        runner.withPropertyValues(SOCKET).withBean(Notifier.class, () -> n).run(context -> {
            ready(context);
            verify(n, timeout(2000).atLeast(1)).watchdog();
            ServiceLifecycle s = context.getBean(ServiceLifecycle.class);
            context.close();
            assertThat(s.keeper().orElseThrow().isRunning()).isFalse();
        });
    }

    private ApplicationContextRunner withActuator() {
        return TestActuator.with(runner);
    }

    @Test
    void aHealthGroupGatesTheKeepAlives() {
        Notifier n = supervisor(Duration.ofMillis(200));
        AtomicBoolean up = new AtomicBoolean(true);
        TestActuator.withIndicator(withActuator(), "toggle", up).withPropertyValues(SOCKET, "sdnotify.watchdog.health-group=watchdog",
                        "management.endpoint.health.group.watchdog.include=toggle")
                .withBean(Notifier.class, () -> n)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ready(context);
                    verify(n, timeout(2000).atLeast(2)).watchdog();
                    ServiceLifecycle s = context.getBean(ServiceLifecycle.class);
                    up.set(false);
                    verify(n, timeout(2000)).send(org.mockito.ArgumentMatchers.argThat(st -> st != null && st.toString().startsWith("STATUS=Watchdog: ")));
                    assertThat(s.keeper().orElseThrow().failure()).get().asString().contains("health group 'watchdog' is DOWN");
                });
    }

    @Test
    void aHealthGroupThatDoesNotExistFailsTheStart() {
        withActuator().withPropertyValues(SOCKET, "sdnotify.watchdog.health-group=nonesuch")
                .withBean(Notifier.class, () -> supervisor(Duration.ofSeconds(1))).run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("sdnotify.watchdog.health-group is 'nonesuch'")
                            .hasMessageContaining("management.endpoint.health.group.nonesuch.include");
                });
    }

    @Test
    void aHealthGroupWithoutActuatorFailsTheStart() {
        runner.withPropertyValues(SOCKET, "sdnotify.watchdog.health-group=watchdog")
                .withBean(Notifier.class, () -> supervisor(Duration.ofSeconds(1))).run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("no Actuator health endpoint");
                });
    }

    @Test
    void byDefaultTheLivenessGroupGatesWhenTheProbesDefineIt() {
        Notifier n = supervisor(Duration.ofMillis(200));
        AtomicBoolean up = new AtomicBoolean(true);
        TestActuator.withIndicator(withActuator(), "toggle", up).withPropertyValues(SOCKET, "management.endpoint.health.group.liveness.include=toggle")
                .withBean(Notifier.class, () -> n)
                .run(context -> {
                    ready(context);
                    verify(n, timeout(2000).atLeast(1)).watchdog();
                    up.set(false);
                    ServiceLifecycle s = context.getBean(ServiceLifecycle.class);
                    verify(n, timeout(2000)).send(org.mockito.ArgumentMatchers.argThat(st -> st != null && st.toString().startsWith("STATUS=Watchdog: ")));
                    assertThat(s.keeper().orElseThrow().failure()).get().asString().contains("health group 'liveness' is DOWN");
                });
    }

    @Test
    void byDefaultOtherIndicatorsDoNotGate() {
        Notifier n = supervisor(Duration.ofMillis(200));
        AtomicBoolean up = new AtomicBoolean(true);
        up.set(false);
        TestActuator.withIndicator(withActuator(), "toggle", up).withPropertyValues(SOCKET)
                .withBean(Notifier.class, () -> n)
                .run(context -> {
                    ready(context);
                    // A database that is down is no reason for systemd to restart the service.
                    verify(n, timeout(2000).atLeast(3)).watchdog();
                    assertThat(context.getBean(ServiceLifecycle.class).keeper().orElseThrow().failure()).isEmpty();
                });
    }

    @Test
    void withoutActuatorTheLivenessStateAloneGates() {
        Notifier n = supervisor(Duration.ofMillis(200));
        runner.withClassLoader(new FilteredClassLoader(TestActuator.PACKAGES)).withPropertyValues(SOCKET)
                .withBean(Notifier.class, () -> n).run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(HealthGroups.class);
                    assertThat(context.getBean(WatchdogHealth.class)).hasToString("the liveness state");
                    ready(context);
                    verify(n, timeout(2000).atLeast(2)).watchdog();
                    AvailabilityChangeEvent.publish(context, LivenessState.BROKEN);
                    ServiceLifecycle s = context.getBean(ServiceLifecycle.class);
                    verify(n, timeout(2000)).send(NotifyState.status(
                            "Watchdog: the health check failed: the application's liveness state is BROKEN"));
                    assertThat(s.keeper().orElseThrow().isRunning()).isFalse();
                });
    }

    @Test
    void readinessFdAloneIsASupervisor() {
        runner.withPropertyValues("READY_FD=5").withBean(Notifier.class, () -> supervisor(null))
                .run(context -> assertThat(context).hasSingleBean(LifecycleEvents.class));
    }
}
