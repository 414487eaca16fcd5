package io.modelswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineFlagsTest {

    @Test
    void llamaSwapSingleDashFlagsBecomeProperties() {
        CommandLineFlags flags = CommandLineFlags.parse("-config", "/etc/llama-swap/config.yaml", "-listen", ":9292");
        assertEquals(Map.of("modelswap.config", "/etc/llama-swap/config.yaml",
                "quarkus.http.host", "0.0.0.0", "quarkus.http.port", "9292"), flags.properties());
        assertEquals(List.of(), flags.passThrough());
    }

    @Test
    void tlsFlagsServeHttpsOnlyOnTheListenPortOr8443() {
        CommandLineFlags flags = CommandLineFlags.parse("-listen", ":9443", "-tls-cert-file", "/c.pem",
                "-tls-key-file=/k.pem");
        assertEquals(Map.of("quarkus.http.host", "0.0.0.0", "quarkus.http.ssl-port", "9443",
                "quarkus.http.ssl.certificate.files", "/c.pem", "quarkus.http.ssl.certificate.key-files", "/k.pem",
                "quarkus.http.ssl.certificate.reload-period", "1h", "quarkus.http.insecure-requests", "disabled"),
                flags.properties());
        assertEquals("8443", CommandLineFlags.parse("-tls-cert-file", "/c.pem", "-tls-key-file", "/k.pem")
                .properties().get("quarkus.http.ssl-port"));
        IllegalArgumentException half = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CommandLineFlags.parse("-tls-cert-file", "/c.pem"));
        assertEquals("-tls-cert-file and -tls-key-file go together: give both or neither", half.getMessage());
    }

    @Test
    void doubleDashAndEqualsFormsAreAccepted() {
        CommandLineFlags flags = CommandLineFlags.parse("--config=a.yaml", "--listen=127.0.0.1:8081",
                "--config-dir", "conf.d");
        assertEquals("a.yaml", flags.properties().get("modelswap.config"));
        assertEquals("conf.d", flags.properties().get("modelswap.config-dir"));
        assertEquals("127.0.0.1", flags.properties().get("quarkus.http.host"));
        assertEquals("8081", flags.properties().get("quarkus.http.port"));
    }

    @Test
    void ipv6ListenAddressLosesItsBrackets() {
        CommandLineFlags flags = CommandLineFlags.parse("-listen", "[::1]:8080");
        assertEquals("::1", flags.properties().get("quarkus.http.host"));
    }

    @Test
    void watchConfigIsAcceptedAndVersionIsRecognised() {
        CommandLineFlags flags = CommandLineFlags.parse("-watch-config", "-version");
        assertTrue(flags.version());
        assertFalse(flags.help());
        assertTrue(flags.properties().isEmpty());
    }

    @Test
    void propertiesAfterTheProgramNameAreSet() {
        CommandLineFlags flags = CommandLineFlags.parse("-config", "c.yaml", "-Dquarkus.log.level=DEBUG",
                "-Dmodelswap.watch.interval=500ms");
        assertEquals("DEBUG", flags.properties().get("quarkus.log.level"));
        assertEquals("500ms", flags.properties().get("modelswap.watch.interval"));
        assertEquals(List.of(), flags.passThrough());
    }

    @Test
    void anUnknownFlagIsAnErrorAndOtherArgumentsPassThrough() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandLineFlags.parse("-conifg", "x.yaml"));
        assertEquals("flag provided but not defined: -conifg", e.getMessage());
        assertEquals(List.of("extra"), CommandLineFlags.parse("extra").passThrough());
    }

    @Test
    void aFlagWithoutItsValueIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandLineFlags.parse("-config"));
        assertEquals("flag needs an argument: -config", e.getMessage());
    }

    @Test
    void aListenAddressWithoutPortIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CommandLineFlags.parse("-listen", "localhost"));
        assertThrows(IllegalArgumentException.class, () -> CommandLineFlags.parse("-listen", "host:http"));
    }
}
