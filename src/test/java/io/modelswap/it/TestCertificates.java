package io.modelswap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Self-signed certificates made by the JDK's keytool for one test: a server's PKCS12 key store (for the demo
 * upstream's {@code --tls-keystore}), and a trust store holding chosen certificates (for modelswap's
 * {@code -Djavax.net.ssl.trustStore}).
 */
final class TestCertificates {

    static final String PASSWORD = "changeit";

    private final Path dir;

    TestCertificates() throws IOException {
        this.dir = Files.createTempDirectory("modelswap-certs");
    }

    /**
     * A key store {@code name.p12} with a new key and a self-signed certificate whose subject alternative name is
     * {@code san} (keytool's syntax: {@code ip:127.0.0.1}, {@code dns:peer.invalid}).
     */
    Path keyStore(String name, String san) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=" + san, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        return store;
    }

    /** A PKCS12 trust store holding the certificates of {@code keyStores} (and nothing else: no public CA). */
    Path trustStore(Path... keyStores) throws Exception {
        Path trust = dir.resolve("trust-" + keyStores.length + "-" + System.nanoTime() + ".p12");
        for (Path store : keyStores) {
            String alias = store.getFileName().toString().replace(".p12", "");
            Path cert = dir.resolve(alias + ".crt");
            keytool("-exportcert", "-alias", alias, "-keystore", store.toString(), "-storepass", PASSWORD, "-rfc",
                    "-file", cert.toString());
            keytool("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-keystore",
                    trust.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        }
        return trust;
    }

    private void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Path log = dir.resolve("keytool.log");
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertEquals(0, keytool.waitFor(), () -> "keytool " + String.join(" ", args) + " failed: " + read(log));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
