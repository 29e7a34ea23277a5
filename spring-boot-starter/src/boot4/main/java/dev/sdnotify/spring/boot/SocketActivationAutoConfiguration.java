package dev.sdnotify.spring.boot;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Socket activation for the embedded web server: when systemd passed a listening TCP socket on standard input
 * ({@link InheritedSocket}), Tomcat's or Jetty's main connector serves on it instead of binding
 * {@code server.port}, so connections that arrive before the application is up wait in the socket's backlog.
 * Reactor Netty has no way to take a socket it did not open; with it, this does nothing. Switched off with
 * {@code sdnotify.socket-activation.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = {"sdnotify.enabled", "sdnotify.socket-activation.enabled"},
        matchIfMissing = true)
public class SocketActivationAutoConfiguration {
    private static final Log LOG = LogFactory.getLog(SocketActivationAutoConfiguration.class);

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory")
    static class Tomcat {
        @Bean
        WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> sdNotifyTomcatInheritedSocket() {
            return factory -> listening("Tomcat").ifPresent(address -> factory.addConnectorCustomizers(
                    connector -> connector.setProperty("useInheritedChannel", "true")));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.boot.jetty.ConfigurableJettyWebServerFactory",
        "org.eclipse.jetty.server.ServerConnector"})
    static class Jetty {
        @Bean
        WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> sdNotifyJettyInheritedSocket() {
            return factory -> listening("Jetty").ifPresent(address -> factory.addServerCustomizers(server -> {
                for (Connector c : server.getConnectors()) {
                    if (c instanceof ServerConnector connector) {
                        connector.setInheritChannel(true);
                        return;
                    }
                }
            }));
        }
    }

    private static Optional<InetSocketAddress> listening(String server) {
        Optional<InetSocketAddress> address = InheritedSocket.listening();
        address.ifPresent(a -> LOG.info(server + " serves on the socket systemd passed on standard input, " + a
                + "; server.port is not bound"));
        return address;
    }
}
