package io.modelswap.uiapi;

import io.restassured.RestAssured;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;


/**
 * A client of {@code /api/events} that reads every frame on a thread of its own, so a test can wait for frames with
 * Awaitility. Each frame is kept as {@code {"type":T,"data":<the data parsed>}}.
 */
final class EventStream implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
    private final InputStream body;
    private final Thread reader;

    private EventStream(InputStream body, String... headers) {
        this.body = body;
        this.reader = new Thread(this::read, "event-stream-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static EventStream open(String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                + "/api/events")).header("Accept", "text/event-stream");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<InputStream> response = HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/api/events answered " + response.statusCode());
        }
        return new EventStream(response.body());
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("data: ")) {
                    JsonObject envelope = new JsonObject(line.substring("data: ".length()));
                    String data = envelope.getString("data");
                    Object parsed = data.startsWith("{") ? new JsonObject(data)
                            : data.startsWith("[") ? new io.vertx.core.json.JsonArray(data) : data;
                    frames.add(new JsonObject().put("type", envelope.getString("type")).put("data", parsed));
                }
            }
        } catch (IOException | RuntimeException closed) {
            // the test closed the stream
        }
    }

    /** The data of every frame of this type so far, in order. */
    List<Object> data(String type) {
        List<Object> out = new ArrayList<>();
        for (JsonObject frame : frames) {
            if (frame.getString("type").equals(type)) {
                out.add(frame.getValue("data"));
            }
        }
        return out;
    }

    /** The types of every frame so far, in order. */
    List<String> types() {
        return frames.stream().map(f -> f.getString("type")).toList();
    }

    /** Waits until a frame of {@code type} whose data matches arrives, and returns that data. */
    JsonObject await(String type, Predicate<JsonObject> match) {
        JsonObject[] found = new JsonObject[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (Object data : data(type)) {
                if (data instanceof JsonObject o && match.test(o)) {
                    found[0] = o;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
