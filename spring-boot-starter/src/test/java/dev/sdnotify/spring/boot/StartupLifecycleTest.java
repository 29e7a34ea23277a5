package dev.sdnotify.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.lifecycle.ServiceLifecycle;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Whole starts of a SpringApplication, with the listener of spring.factories telling a notifier test double. */
class StartupLifecycleTest {
    private final Notifier notifier = mock(Notifier.class);

    StartupLifecycleTest() {
        when(notifier.withSendTimeout(any())).thenReturn(notifier);
        when(notifier.ready(anyString())).thenReturn(true);
        when(notifier.send(any(), any())).thenReturn(true);
        when(notifier.watchdogInterval()).thenReturn(Optional.empty());
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ApplicationAvailabilityAutoConfiguration.class, SdNotifyAutoConfiguration.class})
    static class App {
    }

    /** An application whose start fails with a message no {@code STATUS=} may carry as it is. */
    @Configuration(proxyBeanMethods = false)
    static class FailingApp {
        @Bean
        Object failing() {
            throw new IllegalStateException("cannot open C:\\data\r\nsecond line \ud800");
        }
    }

    private ConfigurableApplicationContext run(Class<?> app, String... args) {
        SpringApplication application = new SpringApplication(app);
        application.setWebApplicationType(WebApplicationType.NONE);
        // Only this listener: spring.factories would add another, telling the process's (absent) supervisor.
        application.setListeners(List.of(new StartupLifecycle(() -> notifier)));
        return application.run(args);
    }

    @Test
    void phasesThenReadyThenStoppingThroughOneLifecycle() {
        try (ConfigurableApplicationContext context = run(App.class, "--NOTIFY_SOCKET=/run/test/notify")) {
            ServiceLifecycle lifecycle = context.getBean(ServiceLifecycle.class);
            assertThat(context.getBeansOfType(ServiceLifecycle.class)).containsOnlyKeys(StartupLifecycle.BEAN);
            assertThat(lifecycle.isReady()).isTrue();
        }
        InOrder order = inOrder(notifier);
        order.verify(notifier).send(NotifyState.status("Starting: environment prepared"));
        order.verify(notifier).send(NotifyState.status("Starting: creating the application context"));
        order.verify(notifier).send(NotifyState.status("Starting: initializing beans"));
        order.verify(notifier).send(NotifyState.status("Starting: running application runners"));
        ArgumentCaptor<String> ready = ArgumentCaptor.forClass(String.class);
        order.verify(notifier).ready(ready.capture());
        order.verify(notifier).send(NotifyState.STOPPING, NotifyState.status("Shutting down"));
        assertThat(ready.getValue()).matches("Accepting traffic \\(started in [0-9.]+ s\\)");
    }

    @Test
    void startupPhasesSwitchedOff() {
        run(App.class, "--NOTIFY_SOCKET=/run/test/notify", "--sdnotify.startup.enabled=false").close();
        verify(notifier, never()).send(NotifyState.status("Starting: environment prepared"));
        verify(notifier).ready(anyString());
    }

    @Test
    void withoutASupervisorNothingAtAll() {
        try (ConfigurableApplicationContext context = run(App.class)) {
            assertThat(context.getBeansOfType(ServiceLifecycle.class)).isEmpty();
        }
        verifyNoInteractions(notifier);
    }

    @Test
    void aFailedStartSaysWhyInASafeStatus() {
        assertThatThrownBy(() -> run(FailingApp.class, "--NOTIFY_SOCKET=/run/test/notify"))
                .hasRootCauseMessage("cannot open C:\\data\r\nsecond line \ud800");
        verify(notifier).send(NotifyState.safeStatus("Start failed: cannot open C:\\data\r\nsecond line \ud800"));
        verify(notifier, never()).ready(anyString());
        verify(notifier, never()).send(NotifyState.STOPPING, NotifyState.status("Shutting down"));
    }

    @Test
    void aValueOutOfRangeFailsTheStartNamingTheProperty() {
        assertThatThrownBy(() -> run(App.class, "--NOTIFY_SOCKET=/run/test/notify",
                "--sdnotify.watchdog.failures-before-stopping=0"))
                .hasMessageContaining("sdnotify.watchdog.failures-before-stopping must be at least 1");
        assertThatThrownBy(() -> run(App.class, "--NOTIFY_SOCKET=/run/test/notify",
                "--sdnotify.startup.extend-timeout=-5s"))
                .hasMessageContaining("sdnotify.startup.extend-timeout must be 0");
        verify(notifier, never()).ready(anyString());
    }
}
