package io.modelswap.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.RawHttp;
import io.modelswap.testing.TestConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, points 4 and 5: the packaged modelswap under {@code ulimit -n 300} and a 256 MB heap, against clients
 * that hold connections and announce bodies they never send. It must refuse what it cannot hold, recover on its own
 * and still stop on SIGTERM. Real sockets throughout: HTTP client libraries pool and time out on their own.
 */
class HostileClientsIT {

    private static final int OPEN_FILES = 300;
    private static final String HEADER_TIMEOUT = "2s";
    private static final Duration KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(8);
    /** The HTTP/2 frame type a server ends a connection with. */
    private static final int GOAWAY = 7;
    private static final String CHAT = "{\"model\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final List<Socket> sockets = new ArrayList<>();
    private PackagedApp app;
    private int port;

    private void start() {
        TestConfig models = TestConfig.models().healthCheckTimeout(30).model("alpha", "");
        port = FakeUpstream.freePort();
        app = PackagedApp.startConstrained(OPEN_FILES, "256m", models.write(), port,
                "-Dmodelswap.http.header-timeout=" + HEADER_TIMEOUT,
                "-Dmodelswap.http.keep-alive-timeout=" + KEEP_ALIVE_TIMEOUT.toSeconds() + "s");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (app != null) {
            app.close();
            app.process().waitFor();
        }
    }

    private Socket open() {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            sockets.add(socket);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private int healthStatus() {
        try {
            return RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    10_000).status();
        } catch (UncheckedIOException refused) {
            return -1;
        }
    }

    /** What the server did with a connection nobody wrote on: read until it answers or closes it. */
    private static String fate(Socket socket, int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        InputStream in = socket.getInputStream();
        try {
            RawHttp.Response response = RawHttp.read(in);
            return switch (response.status()) {
                case -1 -> "closed";
                case -2 -> "open"; // nothing within the time
                default -> Integer.toString(response.status());
            };
        } catch (SocketTimeoutException stillOpen) {
            return "open";
        } catch (IOException reset) {
            return "closed";
        }
    }

    @Test
    void descriptorExhaustionIsRefusedAndRecoveredFrom() throws Exception {
        start();
        // 320 idle connections where only ~300 descriptors exist: the ones over the cap are refused at once
        for (int i = 0; i < 320; i++) {
            open();
        }
        int refused = 0;
        for (Socket socket : sockets) {
            String fate = fate(socket, 50);
            if (fate.equals("503") || fate.equals("closed")) {
                refused++;
            }
        }
        assertTrue(refused >= 320 - (OPEN_FILES - 128) / 2, "connections over the cap were refused: " + refused);
        assertTrue(app.process().isAlive(), app.log());
        // the idle ones are closed after the header timeout, and the server serves again without help
        await().atMost(Duration.ofSeconds(20)).until(() -> healthStatus() == 200);
        for (Socket socket : sockets) {
            assertTrue(List.of("closed", "503").contains(fate(socket, 5_000)), "an idle connection stayed open");
        }
        assertEquals(200, RawHttp.exchange(port, chatRequest(), 30_000).status());
        assertTrue(app.terminate(Duration.ofSeconds(30)), "modelswap ignored SIGTERM:\n" + app.log());
    }

    @Test
    void aKeptAliveConnectionWaitsTheKeepAliveTimeoutAndItsNextHeadTheHeaderTimeout() throws Exception {
        start();
        Socket socket = open();
        String health = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
        send(socket, health);
        assertEquals("200", fate(socket, 10_000));
        // A client pool reuses a connection after longer than the header timeout (Java's idles 30 s, Go's 90 s): the
        // server must not close it under the client's next request, which is what this client does after 3 s.
        Thread.sleep(3_000);
        send(socket, health);
        assertEquals("200", fate(socket, 10_000), "a kept-alive connection idle past the header timeout was closed");
        // a slow next head still has only the header timeout from its first byte
        long started = System.nanoTime();
        send(socket, "GET /health HTTP/1.1\r\n");
        assertEquals("408", fate(socket, 10_000));
        long waited = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(waited < KEEP_ALIVE_TIMEOUT.toMillis(), "the started head was given " + waited + " ms");
        // and an idle one is closed once the keep-alive timeout has passed
        Socket idle = open();
        send(idle, health);
        assertEquals("200", fate(idle, 10_000));
        assertEquals("closed", fate(idle, 30_000));
    }

    @Test
    void slowlorisConnectionsAreCutAtTheHeaderTimeout() throws Exception {
        start();
        List<Socket> trickling = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Socket socket = open();
            send(socket, "GET /health HTTP/1.1\r\nHost: localhost\r\n");
            trickling.add(socket);
        }
        long started = System.nanoTime();
        // a header line every 200 ms: never idle, never complete
        List<String> fates = new ArrayList<>();
        while (fates.size() < trickling.size() && System.nanoTime() - started < Duration.ofSeconds(20).toNanos()) {
            for (Socket socket : trickling) {
                try {
                    send(socket, "X-Slow: " + System.nanoTime() + "\r\n");
                } catch (IOException closedByServer) {
                    // counted below
                }
            }
            assertEquals(200, healthStatus(), "the server stopped serving while slow clients trickled");
            Thread.sleep(200);
            fates.clear();
            for (Socket socket : trickling) {
                String fate = fate(socket, 1);
                if (!fate.equals("open")) {
                    fates.add(fate);
                }
            }
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        assertEquals(trickling.size(), fates.size(), "slow connections still open after " + seconds + " s");
        assertTrue(seconds < 10, "slow connections were held for " + seconds + " s");
        assertTrue(fates.stream().allMatch(f -> f.equals("408") || f.equals("closed")), fates.toString());
        assertTrue(fates.contains("408"), "a started request is told why: " + fates);
    }

    /**
     * An h2c connection that upgrades with one {@code GET /health} and then sends nothing, read until the server
     * closes it: the types of the HTTP/2 frames it was sent, in order.
     */
    private List<Integer> idleH2cUntilClosed(int timeoutMillis) throws IOException {
        Socket socket = open();
        socket.setSoTimeout(timeoutMillis);
        send(socket, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n");
        InputStream in = socket.getInputStream();
        RawHttp.Response upgrade = RawHttp.read(in);
        assertEquals(101, upgrade.status(), upgrade.toString());
        // the client preface and an empty SETTINGS frame: from now on the connection speaks HTTP/2
        send(socket, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        socket.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
        List<Integer> types = new ArrayList<>();
        byte[] header = new byte[9];
        try {
            while (in.readNBytes(header, 0, header.length) == header.length) {
                types.add(header[3] & 0xff);
                in.skipNBytes(((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff));
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the idle h2c connection was still open after " + timeoutMillis + " ms: "
                    + types);
        } catch (IOException reset) {
            // closed: what was read is the answer
        }
        return types;
    }

    @Test
    void anHttp2ConnectionKeepsItsLaterStreamsPastTheHeaderTimeout() throws Exception {
        start();
        // h2c: the first request upgrades the connection and ends, the second is a long stream on it. The header
        // timeout is for a connection with no request in progress: it must not close this one under its stream.
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpResponse<String> first = h2.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, first.version());
        HttpResponse<InputStream> events = h2.send(HttpRequest.newBuilder(base.resolve("/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, events.statusCode());
        CompletableFuture<String> ended = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = events.body()) {
                in.readAllBytes();
                return "the stream ended";
            } catch (IOException e) {
                return "the stream failed: " + e;
            }
        });
        // A control connection that upgrades the same way once the stream runs, then idles: its deadline, armed when
        // its request ended, fires after the one armed when the first request ended would have. Its GOAWAY and close
        // are the event that says the stream's connection has been past that deadline.
        List<Integer> frames = idleH2cUntilClosed(30_000);
        assertTrue(frames.contains(GOAWAY), "the idle h2c connection was not sent away: " + frames);
        HttpResponse<String> later = h2.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, later.statusCode());
        assertTrue(!ended.isDone(), ended.getNow("open"));
    }

    @Test
    void announcedBodiesTakeNoMemoryUntilTheyArrive() throws Exception {
        start();
        // 30 requests announce 60 MB each (1.8 GB in all, against a 256 MB heap) and send nothing more
        for (int i = 0; i < 30; i++) {
            send(open(), "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 60000000\r\n\r\n{\"model\":\"alpha\",");
        }
        for (int i = 0; i < 3; i++) {
            RawHttp.Response answer = RawHttp.exchange(port, chatRequest(), 30_000);
            assertEquals(200, answer.status(), answer + "\n" + app.log());
        }
        assertTrue(!app.log().contains("OutOfMemoryError"), app.log());
    }

    private static String chatRequest() {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT;
    }
}
