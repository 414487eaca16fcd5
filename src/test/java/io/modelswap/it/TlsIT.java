package io.modelswap.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * The packaged modelswap started with llama-swap's {@code -tls-cert-file}/{@code -tls-key-file}: HTTPS only, with a
 * self-signed certificate made by openssl in the test, and a renewed certificate served without a restart.
 */
class TlsIT {

    @Test
    void servesHttpsOnlyAndPicksUpARenewedCertificate() throws Exception {
        Path dir = Files.createTempDirectory("modelswap-tls");
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        BigInteger first = makeCertificate(dir, "first", cert, key);
        int port = FakeUpstream.freePort();
        Path config = TestConfig.models().model("alpha", "").write();
        List<String> command = new ArrayList<>(PackagedApp.launcher());
        command.addAll(List.of("-config", config.toString(), "-listen", "127.0.0.1:" + port,
                "-tls-cert-file", cert.toString(), "-tls-key-file", key.toString()));
        Path log = Files.createTempFile("modelswap-tls", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> assertEquals(200, get(port, "/health").statusCode()));
            assertEquals(first, served(port));
            HttpResponse<String> chat = HttpClient.newBuilder().sslContext(trustingEveryone()).build().send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v1/chat/completions"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"alpha\",\"messages\":[]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, chat.statusCode(), chat.body());
            // plain HTTP is not served on the port
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()));

            // a renewed certificate, written the way a secret is replaced: new files moved into place
            Path renewed = Files.createTempDirectory(dir, "renewed");
            BigInteger second = makeCertificate(renewed, "second", renewed.resolve("tls.crt"),
                    renewed.resolve("tls.key"));
            Files.move(renewed.resolve("tls.key"), key, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.move(renewed.resolve("tls.crt"), cert, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> assertEquals(second, served(port)));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\nmodelswap log:\n" + Files.readString(log), e);
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** A self-signed certificate for 127.0.0.1 and its key, made by openssl; returns its serial number. */
    private static BigInteger makeCertificate(Path dir, String name, Path cert, Path key) throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(),
                "-out", cert.toString()).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        assertEquals(0, openssl.waitFor(), () -> "openssl failed: " + read(dir.resolve(name + ".log")));
        try (var in = Files.newInputStream(cert)) {
            return ((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)).getSerialNumber();
        }
    }

    /** The serial number of the certificate a new connection is served. */
    private static BigInteger served(int port) throws Exception {
        HttpResponse<String> response = get(port, "/health");
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    }

    /** A GET on a fresh client, so on a new connection with a new handshake. */
    private static HttpResponse<String> get(int port, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trustingEveryone())
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SSLContext trustingEveryone() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        return context;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
