package io.modelswap.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** The data lines of a packaged modelswap's {@code /api/events}, read as they come, for tests to wait on. */
final class EventTap implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    private EventTap(int port) {
        response = HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                .GET().build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(r -> r.body().forEach(lines::add));
    }

    /** Subscribed once the first burst has arrived (its profile frame), so later frames are not missed. */
    static EventTap open(int port) {
        EventTap tap = new EventTap(port);
        await().atMost(Duration.ofSeconds(10)).until(() -> tap.lines.stream().anyMatch(l -> l.contains(
                "profileChanged")));
        tap.lines.clear();
        return tap;
    }

    /** Waits for a data line that contains every one of {@code parts}. */
    void awaitLine(String... parts) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertTrue(
                lines.stream().anyMatch(l -> Stream.of(parts).allMatch(l::contains)), lines.toString()));
    }

    @Override
    public void close() {
        response.cancel(true);
        response.thenAccept(r -> r.body().close());
    }
}
