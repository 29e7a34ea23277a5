package dev.sdnotify.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionsTest {
    @Test
    void defaults() {
        Options o = Options.parse(null, null);
        assertEquals("[a listening TCP port]", o.ready.toString());
        assertTrue(o.defaultReady);
        assertEquals(o.ready, o.health, "health defaults to the ready predicates");
        assertTrue(o.deadlock && o.trigger && o.enabled);
        assertFalse(o.mainSelf);
        assertEquals(Duration.ofSeconds(30), o.extend);
        assertEquals(1, o.failures);
    }

    @Test
    void theJavaagentStringWinsKeyByKey() {
        Options o = Options.parse("ready=port:8080", "ready=port:9090;health=http:http://127.0.0.1:9090/h;extend=5s");
        assertEquals("[port 8080]", o.ready.toString());
        assertEquals("[http://127.0.0.1:9090/h]", o.health.toString());
        assertEquals(Duration.ofSeconds(5), o.extend);
    }

    @Test
    void healthDefaultsToTheReadyPredicatesButLog() {
        Options o = Options.parse("ready=log:started;ready=port:80;ready=jmx:a:b=c#State=UP", null);
        assertEquals("[port 80, MBean a:b=c State=UP]", o.health.toString());
    }

    @Test
    void presetsAreReadyPredicates() {
        assertEquals("[MBean Catalina:type=Server stateName=STARTED]", Options.parse("preset=tomcat", null).ready.toString());
        assertEquals("[MBean kafka.server:type=KafkaServer,name=BrokerState Value=3]",
                Options.parse("preset=kafka", null).ready.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ready=port:0|bad option 'ready=port:0': port:N takes a port number from 1 to 65535",
        "ready=http:ftp://x/|bad option 'ready=http:ftp://x/': http:URL takes an http:// URL with a host",
        "ready=jmx:nocolon|bad option 'ready=jmx:nocolon': 'nocolon' is not an object name",
        "ready=jmx:a:b=c#State|bad option 'ready=jmx:a:b=c#State': jmx:OBJECTNAME#ATTRIBUTE=VALUE",
        "ready=log:(|bad option 'ready=log:(': log:REGEX takes a Java regular expression",
        "health=log:x|bad option 'health=log:x': log: is for ready= only",
        "ready=tcp:80|bad option 'ready=tcp:80': unknown predicate 'tcp'",
        "readiness=port:80|unknown key 'readiness' in -javaagent; options are KEY=VALUE separated by ';'",
        "main|no '=' in 'main' in -javaagent",
        "main=other|bad option 'main=other': main takes self",
        "deadlock=maybe|bad option 'deadlock=maybe': deadlock takes on or off",
        "extend=30|bad option 'extend=30': extend takes a duration such as 500ms, 30s or 2min, or 0s for none",
        "failures=0|bad option 'failures=0': failures takes a number from 1 to 100",
        "preset=jetty|bad option 'preset=jetty': presets are ",
    })
    void aMalformedOptionIsOneLineNamingIt(String option, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Options.parse(option, null));
        assertTrue(e.getMessage().startsWith("sdnotify-agent: " + message), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void theEnvironmentsOptionsAreCheckedToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Options.parse(null, "x=1"));
        assertTrue(e.getMessage().contains("in SDNOTIFY_AGENT"), e.getMessage());
    }
}
