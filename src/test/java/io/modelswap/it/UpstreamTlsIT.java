package io.modelswap.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issues 15 and 19: the upstream client complete. The packaged modelswap, trusting one self-signed certificate
 * through {@code -Djavax.net.ssl.trustStore}, in front of https peers (the demo upstream over TLS) and of upstreams
 * that show each {@code timeouts} key at work on real sockets: one that never answers the TLS handshake, plain ones
 * whose connections the kernel lists (idle closing, keep-alive probes), and raw ones that see how
 * {@code Expect: 100-continue} reaches them.
 */
class UpstreamTlsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static final List<Process> services = new ArrayList<>();
    private static final List<Socket> held = new CopyOnWriteArrayList<>();
    private static ServerSocket mute;
    private static ExpectingUpstream waiting;
    private static ExpectingUpstream refusing;
    private static PackagedApp front;
    private static int idlePort;
    private static int keptPort;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates certs = new TestCertificates();
        Path trusted = certs.keyStore("trusted", "ip:127.0.0.1");
        Path stranger = certs.keyStore("stranger", "ip:127.0.0.1");
        Path misnamed = certs.keyStore("misnamed", "dns:peer.invalid");
        Path trustStore = certs.trustStore(trusted, misnamed);

        int trustedPort = tlsService(trusted, "--model-name", "gpt-x", "--token-delay-ms", "1");
        int strangerPort = tlsService(stranger, "--model-name", "s");
        int misnamedPort = tlsService(misnamed, "--model-name", "w");
        idlePort = service("--model-name", "i");
        keptPort = service("--model-name", "k");
        mute = new ServerSocket();
        mute.bind(new InetSocketAddress("127.0.0.1", FakeUpstream.freePort()));
        Thread accepting = new Thread(() -> {
            while (!mute.isClosed()) {
                try {
                    held.add(mute.accept()); // accepted, and never a byte of the handshake answered
                } catch (IOException closed) {
                    return;
                }
            }
        }, "mute-tls-upstream");
        accepting.setDaemon(true);
        accepting.start();
        waiting = new ExpectingUpstream(FakeUpstream.freePort(), false);
        refusing = new ExpectingUpstream(FakeUpstream.freePort(), true);

        int localPort = FakeUpstream.freePort();
        String localCmd = FakeUpstream.command("--port", Integer.toString(localPort), "--model-name", "local-tls",
                "--tls-keystore", trusted.toString(), "--tls-password", TestCertificates.PASSWORD);
        String yaml = """
                healthCheckTimeout: 15
                models:
                  local-tls:
                    cmd: %s
                    proxy: https://127.0.0.1:%d
                """.formatted(localCmd, localPort) + """
                peers:
                  tls:
                    proxy: https://127.0.0.1:%d
                    models: [gpt-x]
                  stranger:
                    proxy: https://127.0.0.1:%d/
                    models: [s]
                  misnamed:
                    proxy: https://127.0.0.1:%d
                    models: [w]
                  mute:
                    proxy: https://127.0.0.1:%d
                    models: [m]
                    timeouts:
                      tlsHandshake: 1
                  idle:
                    proxy: http://127.0.0.1:%d
                    models: [i]
                    timeouts:
                      idleConn: 1
                  kept:
                    proxy: http://127.0.0.1:%d
                    models: [k]
                    timeouts:
                      keepalive: 7
                  waiting:
                    proxy: http://127.0.0.1:%d
                    models: [e]
                    timeouts:
                      expectContinue: 2
                  refusing:
                    proxy: http://127.0.0.1:%d
                    models: [r]
                    timeouts:
                      expectContinue: 30
                """.formatted(trustedPort, strangerPort, misnamedPort, mute.getLocalPort(), idlePort, keptPort,
                waiting.port(), refusing.port());
        Path config = Files.createTempDirectory("modelswap-upstream-tls").resolve("config.yaml");
        Files.writeString(config, yaml);
        front = PackagedApp.startWithProperties(List.of("-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=" + TestCertificates.PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12"), config, FakeUpstream.freePort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (front != null) {
            front.close();
        }
        for (Process service : services) {
            service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (mute != null) {
            mute.close();
        }
        for (Socket socket : held) {
            socket.close();
        }
        if (waiting != null) {
            waiting.close();
        }
        if (refusing != null) {
            refusing.close();
        }
    }

    /** The demo upstream over TLS with the key and certificate of {@code keyStore}, listening before this returns. */
    private static int tlsService(Path keyStore, String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of(flags));
        all.addAll(List.of("--tls-keystore", keyStore.toString(), "--tls-password", TestCertificates.PASSWORD));
        return service(all.toArray(String[]::new));
    }

    /** The demo upstream as a remote service on a free port, accepting connections before this returns. */
    private static int service(String... flags) throws Exception {
        int port = FakeUpstream.freePort();
        List<String> command = new ArrayList<>(List.of(FakeUpstream.command().trim().split(" ")));
        command.addAll(List.of("--port", Integer.toString(port)));
        command.addAll(List.of(flags));
        services.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
        return port;
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + path))
                .timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> chat(String model, boolean stream) throws Exception {
        return HTTP.send(request("/v1/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody(model, stream))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String chatBody(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static String message(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonObject("error").getString("message");
    }

    private void assertOrLog(Runnable assertion) {
        try {
            assertion.run();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nmodelswap log:\n" + front.log(), e);
        }
    }

    @Test
    void anHttpsPeerAnswersChatStreamsAndIsListed() throws Exception {
        HttpResponse<String> chat = chat("tls/gpt-x", false);
        assertOrLog(() -> assertEquals(200, chat.statusCode(), chat.body()));
        assertTrue(new JsonObject(chat.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getString("content").startsWith("gpt-x answered: received model=gpt-x "), chat.body());

        HttpResponse<String> stream = chat("tls/gpt-x", true);
        assertEquals(200, stream.statusCode(), stream.body());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertTrue(stream.body().contains("\"delta\"") && stream.body().strip().endsWith("data: [DONE]"),
                stream.body());

        HttpResponse<String> models = HTTP.send(request("/v1/models").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, models.statusCode(), models.body());
        assertTrue(models.body().contains("\"tls/gpt-x\""), models.body());
    }

    @Test
    void aLocalModelServedOverHttpsIsHealthCheckedAndAnswers() throws Exception {
        HttpResponse<String> chat = chat("local-tls", false);
        assertOrLog(() -> assertEquals(200, chat.statusCode(), chat.body()));
        assertTrue(chat.body().contains("local-tls answered"), chat.body());
    }

    @Test
    void aCertificateThisHostDoesNotTrustIsA502SayingSo() throws Exception {
        HttpResponse<String> response = chat("stranger/s", false);
        assertEquals(502, response.statusCode(), response.body());
        String message = message(response);
        assertTrue(message.startsWith("peer proxy error: ") && message.contains("certificate not trusted by this host"),
                message);
        assertTrue(message.contains("trust store"), message);
    }

    @Test
    void aTrustedCertificateForAnotherHostNameIsRefused() throws Exception {
        HttpResponse<String> response = chat("misnamed/w", false);
        assertEquals(502, response.statusCode(), response.body());
        String message = message(response);
        assertTrue(message.startsWith("peer proxy error: ")
                && message.contains("is for another host name than 127.0.0.1"), message);
    }

    @Test
    void anUpstreamThatNeverAnswersTheHandshakeFailsAfterTlsHandshake() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = chat("mute/m", false);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertEquals(502, response.statusCode(), response.body());
        assertTrue(message(response).contains("not completed within 1s (timeouts.tlsHandshake)"), response.body());
        // Vert.x's own default is 10 s, and the connection is not tried a second time
        assertTrue(seconds < 9, "took " + seconds + " s");
    }

    @Test
    void idleConnClosesAnIdlePooledConnectionAndKeepaliveSetsTheProbes() throws Exception {
        assertEquals(200, chat("idle/i", false).statusCode());
        assertEquals(200, chat("kept/k", false).statusCode());
        // idleConn: 1 closes the pooled connection; the other peer's (idleConn 90) stays open meanwhile
        await().atMost(Duration.ofSeconds(20)).until(() -> LoopbackConnections.to(idlePort).isEmpty());
        List<LoopbackConnections.Connection> kept = LoopbackConnections.to(keptPort);
        assertEquals(1, kept.size(), kept.toString());
        // keepalive: 7 is the first probe after 7 idle seconds (the kernel's own default is 2 hours)
        assertEquals(2, kept.get(0).timer(), "a keep-alive timer runs: " + kept);
        assertTrue(kept.get(0).timerSeconds() <= 7, kept.toString());
    }

    @Test
    void expectContinueWaitsForTheUpstreamsContinueThenSendsTheBody() throws Exception {
        HttpResponse<String> response = HTTP.send(request("/v1/chat/completions").expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody("waiting/e", false))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        ExpectingUpstream.Seen seen = waiting.seen.poll(10, TimeUnit.SECONDS);
        assertEquals("100-continue", seen.expect(), seen.toString());
        // this upstream never says 100: the body follows after expectContinue (2 s)
        assertTrue(seen.headToBodyMillis() >= 1900, seen.toString());

        HttpResponse<String> plain = chat("waiting/e", false);
        assertEquals(200, plain.statusCode(), plain.body());
        ExpectingUpstream.Seen direct = waiting.seen.poll(10, TimeUnit.SECONDS);
        assertEquals("", direct.expect(), "no Expect from the client, none upstream: " + direct);
    }

    @Test
    void anUpstreamThatAnswersBeforeContinueNeverGetsTheBody() throws Exception {
        HttpResponse<String> response = HTTP.send(request("/v1/chat/completions").expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody("refusing/r", false))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode(), response.body());
        ExpectingUpstream.Seen seen = refusing.seen.poll(20, TimeUnit.SECONDS);
        assertEquals("100-continue", seen.expect(), String.valueOf(seen));
        assertEquals(0, seen.bodyBytes(), "the connection closed without the body: " + seen);
    }
}
