package dev.sdnotify.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationContextInitializedEvent;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class StartupProgressTest {
    final SpringApplication app = new SpringApplication();
    final String[] args = new String[0];
    final Notifier notifier = mock(Notifier.class);
    final ScheduledExecutorService scheduler = mock(ScheduledExecutorService.class);
    final ScheduledFuture<?> future = mock(ScheduledFuture.class);
    final AtomicLong now = new AtomicLong();
    final AtomicInteger notifiersMade = new AtomicInteger();
    final StartupProgress progress = new StartupProgress(() -> {
        notifiersMade.incrementAndGet();
        return notifier;
    }, () -> scheduler, now::get);

    StartupProgressTest() {
        when(notifier.status(anyString())).thenReturn(true);
        when(notifier.send(any(), any())).thenReturn(true);
        doReturn(future).when(scheduler).scheduleAtFixedRate(any(), anyLong(), anyLong(), any());
    }

    StandardEnvironment environment(Map<String, Object> values) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", values));
        return env;
    }

    void environmentPrepared(Map<String, Object> values) {
        progress.onApplicationEvent(new ApplicationEnvironmentPreparedEvent(new DefaultBootstrapContext(), app, args,
                environment(values)));
    }

    @Test
    void withoutASupervisorItDoesNothing() {
        environmentPrepared(Map.of());
        progress.tick();
        progress.onApplicationEvent(new ApplicationReadyEvent(app, args, new GenericApplicationContext(),
                Duration.ZERO));
        assertThat(notifiersMade).hasValue(0);
        verify(scheduler, never()).scheduleAtFixedRate(any(), anyLong(), anyLong(), any());
    }

    @Test
    void switchedOffItDoesNothing() {
        environmentPrepared(Map.of("NOTIFY_SOCKET", "/run/x", "sdnotify.startup.enabled", "false"));
        assertThat(notifiersMade).hasValue(0);
        environmentPrepared(Map.of("NOTIFY_SOCKET", "/run/x", "sdnotify.enabled", "false"));
        assertThat(notifiersMade).hasValue(0);
    }

    @Test
    void phasesGoToTheStatusAndProgressBuysAnExtension() {
        environmentPrepared(Map.of("NOTIFY_SOCKET", "/run/x"));
        verify(scheduler).scheduleAtFixedRate(any(), eq(TimeUnit.SECONDS.toNanos(10)),
                eq(TimeUnit.SECONDS.toNanos(10)), eq(TimeUnit.NANOSECONDS));
        verify(notifier).status("Starting: environment prepared");
        GenericApplicationContext context = new GenericApplicationContext();
        progress.onApplicationEvent(new ApplicationContextInitializedEvent(app, args, context));
        progress.onApplicationEvent(new ApplicationPreparedEvent(app, args, context));
        verify(notifier).status("Starting: initializing beans");

        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        progress.tick();
        verify(notifier).send(NotifyState.extendTimeout(Duration.ofSeconds(30)),
                NotifyState.status("Starting: initializing beans (0 beans)"));

        // Three beans initialize: progress, so another extension.
        context.registerBean("a", Object.class);
        context.registerBean("b", Object.class);
        context.registerBean("c", Object.class);
        context.refresh();
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        progress.tick();
        verify(notifier).send(NotifyState.extendTimeout(Duration.ofSeconds(30)),
                NotifyState.status("Starting: initializing beans (3 beans)"));

        // Nothing moves for two looks: no extension, only the status.
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        progress.tick();
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        progress.tick();
        verify(notifier).status("Starting: initializing beans: no progress for 10 s");
        verify(notifier).status("Starting: initializing beans: no progress for 20 s");
        verify(notifier, org.mockito.Mockito.times(2)).send(any(), any());

        progress.onApplicationEvent(new ApplicationReadyEvent(app, args, context, Duration.ofSeconds(1)));
        verify(future).cancel(false);
        verify(scheduler).shutdownNow();
        progress.tick();
        verify(notifier, org.mockito.Mockito.times(2)).send(any(), any());
        context.close();
    }

    @Test
    void theExtensionIsConfigurableAndZeroSendsNone() {
        environmentPrepared(Map.of("NOTIFY_SOCKET", "/run/x", "sdnotify.startup.extend-timeout", "0s"));
        verify(scheduler, never()).scheduleAtFixedRate(any(), anyLong(), anyLong(), any());
        verify(notifier).status("Starting: environment prepared");
    }

    @Test
    void aFailedStartSaysWhyInTheStatus() {
        environmentPrepared(Map.of("NOTIFY_SOCKET", "/run/x", "sdnotify.startup.extend-timeout", "90s"));
        verify(scheduler).scheduleAtFixedRate(any(), eq(TimeUnit.SECONDS.toNanos(30)),
                eq(TimeUnit.SECONDS.toNanos(30)), eq(TimeUnit.NANOSECONDS));
        progress.onApplicationEvent(new ApplicationFailedEvent(app, args, new GenericApplicationContext(),
                new IllegalStateException("wrapper", new java.net.BindException("Address already in use"))));
        verify(notifier).status("Start-up failed: Address already in use");
        verify(scheduler).shutdownNow();
        assertThat(progress.ticking()).isFalse();
    }
}
