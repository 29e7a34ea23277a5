package dev.sdnotify.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.web.embedded.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.embedded.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.ResolvableType;

/**
 * The wiring of socket activation. Serving on a socket passed as standard input is run for real by the consumer
 * check (native-test/consumer.sh), since a test JVM's standard input is no socket.
 */
class SocketActivationAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SocketActivationAutoConfiguration.class));

    @Test
    void aCustomizerForEachServerOnTheClassPath() {
        runner.run(context -> {
            assertThat(context.getBeanNamesForType(ResolvableType.forClassWithGenerics(
                    WebServerFactoryCustomizer.class, ConfigurableTomcatWebServerFactory.class)))
                    .containsExactly("sdNotifyTomcatInheritedSocket");
            assertThat(context.getBeanNamesForType(ResolvableType.forClassWithGenerics(
                    WebServerFactoryCustomizer.class, ConfigurableJettyWebServerFactory.class)))
                    .containsExactly("sdNotifyJettyInheritedSocket");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutASocketOnStandardInputTheServersAreLeftAlone() {
        assertThat(InheritedSocket.listening()).isEmpty();
        runner.run(context -> {
            ConfigurableTomcatWebServerFactory tomcat = mock(ConfigurableTomcatWebServerFactory.class);
            ConfigurableJettyWebServerFactory jetty = mock(ConfigurableJettyWebServerFactory.class);
            ((WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>) context
                    .getBean("sdNotifyTomcatInheritedSocket")).customize(tomcat);
            ((WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>) context
                    .getBean("sdNotifyJettyInheritedSocket")).customize(jetty);
            verifyNoInteractions(tomcat, jetty);
        });
    }

    @Test
    void switchedOff() {
        runner.withPropertyValues("sdnotify.socket-activation.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean("sdNotifyTomcatInheritedSocket")
                        .doesNotHaveBean("sdNotifyJettyInheritedSocket"));
        runner.withPropertyValues("sdnotify.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean("sdNotifyTomcatInheritedSocket"));
    }

    @Test
    void withoutTomcatOrJettyNothingIsDefined() {
        runner.withClassLoader(new FilteredClassLoader("org.apache.catalina", "org.eclipse.jetty",
                "org.springframework.boot.web.embedded")).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean("sdNotifyTomcatInheritedSocket")
                        .doesNotHaveBean("sdNotifyJettyInheritedSocket"));
    }
}
