package io.modelswap.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.backend.Upstream;
import io.modelswap.config.UpstreamTimeouts;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class UpstreamPoolsTest {

    @Test
    void aPoolIsNeverSmallerThanTheModelsConcurrencyLimit() {
        assertEquals(16, UpstreamPools.sizeFor(0), "llama-swap's default limit of 10");
        assertEquals(16, UpstreamPools.sizeFor(10));
        assertEquals(128, UpstreamPools.sizeFor(64), "64 was once the cap for every model");
        assertEquals(1024, UpstreamPools.sizeFor(1000));
        for (int limit = 1; limit <= 5000; limit++) {
            int size = UpstreamPools.sizeFor(limit);
            assertTrue(size >= limit + UpstreamPools.HEADROOM, limit + " -> " + size);
            assertEquals(1, Integer.bitCount(size), "a power of two: " + size);
        }
        assertEquals(1 << 30, UpstreamPools.sizeFor(Integer.MAX_VALUE));
    }

    private static Upstream upstream(String url, UpstreamTimeouts timeouts) {
        return new Upstream("peer", "p/m", "m", url, URI.create(url), timeouts, 10, Map.of(), Set.of());
    }

    @Test
    void theClientOptionsOfTimeoutsAndTlsMakeTheirOwnClient() {
        UpstreamTimeouts d = UpstreamTimeouts.DEFAULTS;
        UpstreamPools.Key plain = UpstreamPools.Key.of(upstream("http://h:1", d));
        UpstreamPools.Key tls = UpstreamPools.Key.of(upstream("https://h", d));
        assertTrue(tls.ssl() && !plain.ssl());
        assertTrue(!plain.equals(tls));
        assertEquals(443, upstream("https://h", d).port());
        assertEquals(80, upstream("http://h", d).port());
        // a plain upstream's tlsHandshake does not matter, so it does not split the clients
        assertEquals(plain, UpstreamPools.Key.of(upstream("http://h:1", new UpstreamTimeouts(30, 30, 0, 99, 1, 90))));
        assertTrue(!plain.equals(UpstreamPools.Key.of(upstream("http://h:1",
                new UpstreamTimeouts(30, 30, 0, 10, 1, 5)))), "idleConn is a client option");
        assertTrue(!plain.equals(UpstreamPools.Key.of(upstream("http://h:1",
                new UpstreamTimeouts(30, 0, 0, 10, 1, 90)))), "keepalive is a client option");
        // connect, responseHeader and expectContinue are per request: the same client
        assertEquals(plain, UpstreamPools.Key.of(upstream("http://h:1", new UpstreamTimeouts(5, 30, 7, 10, 3, 90))));
    }

    @Test
    void eachEventLoopGetsItsOwnClientSoAnExchangeStaysOnItsThread() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        try {
            UpstreamPools pools = new UpstreamPools(vertx);
            Upstream upstream = upstream("http://h:1", UpstreamTimeouts.DEFAULTS);
            // verticles take the event loops in turn: these two run on different loops
            Context first = contextOfANewVerticle(vertx);
            Context second = contextOfANewVerticle(vertx);
            HttpClient a = onContext(first, () -> pools.acquire(UpstreamPools.Key.of(upstream), 0));
            HttpClient b = onContext(second, () -> pools.acquire(UpstreamPools.Key.of(upstream), 0));
            HttpClient again = onContext(first, () -> pools.acquire(UpstreamPools.Key.of(upstream), 0));
            assertTrue(a != b, "two event loops, two clients");
            assertEquals(a, again, "one client per event loop and key");
            assertEquals(2, pools.size());
            pools.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * An upstream that a swap stops may reset the idle connections modelswap keeps to it: that is no error of
     * anyone's, and must not print an ERROR line (Vert.x logs a connection's exception at ERROR when nobody handles it).
     */
    @Test
    void anIdlePooledConnectionResetByItsUpstreamLogsNoError() throws Exception {
        List<LogRecord> severe = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    severe.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger vertxLog = java.util.logging.Logger.getLogger("io.vertx.core.net.impl.ConnectionBase");
        vertxLog.addHandler(capture);
        Vertx vertx = Vertx.vertx();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch reset = new CountDownLatch(1);
            Thread upstream = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    for (int matched = 0; matched < 4; ) { // the request head, up to its blank line
                        int b = in.read();
                        matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                    reset.await(10, TimeUnit.SECONDS);
                    socket.setSoLinger(true, 0); // close with a reset, as a killed server's socket may be
                } catch (Exception e) {
                    // the test fails on its own assertions
                }
            });
            upstream.start();
            UpstreamPools pools = new UpstreamPools(vertx);
            HttpClient client = pools.acquire(UpstreamPools.Key.of(
                    upstream("http://127.0.0.1:" + server.getLocalPort(), UpstreamTimeouts.DEFAULTS)), 0);
            CompletableFuture<Void> closed = new CompletableFuture<>();
            String body = client.request(HttpMethod.GET, server.getLocalPort(), "127.0.0.1", "/")
                    .compose(request -> request.send().compose(response -> {
                        response.request().connection().closeHandler(v -> closed.complete(null));
                        return response.body();
                    }))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
            assertEquals("ok", body);
            reset.countDown(); // the connection is idle in the pool now
            closed.get(10, TimeUnit.SECONDS); // after the reset was handled
            upstream.join(10_000);
            assertEquals(List.of(), severe.stream().map(LogRecord::getMessage).toList());
            pools.close();
        } finally {
            vertxLog.removeHandler(capture);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static Context contextOfANewVerticle(Vertx vertx) throws Exception {
        CompletableFuture<Context> started = new CompletableFuture<>();
        vertx.deployVerticle(new AbstractVerticle() {
            @Override
            public void start() {
                started.complete(context);
            }
        });
        return started.get(10, TimeUnit.SECONDS);
    }

    private static <T> T onContext(Context context, Supplier<T> what) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(what.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aClientNobodyUsedForAWhileIsClosedButNeverOneInUse() {
        Vertx vertx = Vertx.vertx();
        try {
            UpstreamPools pools = new UpstreamPools(vertx);
            UpstreamPools.Key old = UpstreamPools.Key.of(upstream("http://h:1", UpstreamTimeouts.DEFAULTS));
            UpstreamPools.Key busy = UpstreamPools.Key.of(upstream("http://h:1",
                    new UpstreamTimeouts(30, 30, 0, 10, 1, 5)));
            HttpClient first = pools.acquire(old, 0);
            pools.release(old);
            assertEquals(first, pools.acquire(old, 1), "one client per key");
            pools.release(old);
            pools.acquire(busy, 0); // a stream that runs for hours: never released during this test
            assertEquals(2, pools.size());

            assertEquals(0, pools.sweep(UpstreamPools.UNUSED_MILLIS), "used one millisecond later than that");
            assertEquals(1, pools.sweep(1 + UpstreamPools.UNUSED_MILLIS), "the idle one goes, the busy one stays");
            assertEquals(1, pools.size());
            HttpClient again = pools.acquire(old, 2 + UpstreamPools.UNUSED_MILLIS);
            assertTrue(again != first, "a closed client is never handed out again");
            pools.close();
        } finally {
            vertx.close();
        }
    }
}
