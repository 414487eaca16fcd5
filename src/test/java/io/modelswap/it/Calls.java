package io.modelswap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.restassured.RestAssured;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Client-side helpers for the engine tests: chat calls, held streams, raw sockets and the fakes' processes. */
final class Calls {

    /** Upper bound for any single call, so a hang fails the test instead of stalling the build. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern PID = Pattern.compile("\"pid\":(\\d+)");

    private Calls() {
    }

    static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static URI uri(String path) {
        return URI.create("http://localhost:" + RestAssured.port + path);
    }

    static HttpRequest chatRequest(String model, boolean stream) {
        return HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chat(model, stream))).build();
    }

    static CompletableFuture<HttpResponse<String>> chatAsync(String model) {
        return HTTP.sendAsync(chatRequest(model, false), HttpResponse.BodyHandlers.ofString());
    }

    /** A streaming chat read whole as text (for answers that are not streams, such as a 429). */
    static CompletableFuture<HttpResponse<String>> streamAsString(String model) {
        return HTTP.sendAsync(chatRequest(model, true), HttpResponse.BodyHandlers.ofString());
    }

    static CompletableFuture<HttpResponse<String>> postAsync(String path) {
        return HTTP.sendAsync(HttpRequest.newBuilder(uri(path)).timeout(CALL_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> chatNow(String model) {
        return join(chatAsync(model));
    }

    static HttpResponse<InputStream> stream(String model) {
        try {
            return HTTP.send(chatRequest(model, true), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static <T> T join(CompletableFuture<T> call) {
        return call.orTimeout(CALL_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
    }

    /** The pid of the fake that answered a non-streamed chat ({@code echo.pid}). */
    static long pidOf(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        Matcher pid = PID.matcher(response.body());
        assertTrue(pid.find(), response.body());
        return Long.parseLong(pid.group(1));
    }

    /** Reads data lines until one contains {@code fragment}; returns every line read, that one last. */
    static List<String> readUntil(BufferedReader reader, String fragment) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = readDataLine(reader); line != null; line = readDataLine(reader)) {
            lines.add(line);
            if (line.contains(fragment)) {
                return lines;
            }
        }
        throw new AssertionError("the stream ended without '" + fragment + "': " + lines);
    }

    /** Every data line of an event stream, in order, until the server ends it. */
    static List<String> dataLines(InputStream body) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            return dataLines(reader);
        }
    }

    /** The remaining data lines of a stream already being read. */
    static List<String> dataLines(BufferedReader reader) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = readDataLine(reader); line != null; line = readDataLine(reader)) {
            lines.add(line);
        }
        return lines;
    }

    static String readDataLine(BufferedReader lines) throws IOException {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("data:")) {
                return line;
            }
        }
        return null;
    }

    /** Processes of this JVM's tree started as the fake on {@code port} (the fakes get {@code --port N}). */
    static List<ProcessHandle> fakeProcesses(int port) {
        String flag = "--port " + port + " ";
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> (c + " ").contains(flag)).orElse(false))
                .toList();
    }

    /** A streaming chat whose fake ({@code --hold-after 1}) sent one chunk and holds the rest until released. */
    static final class HeldStream {
        private final int port;
        private final BufferedReader reader;

        private HeldStream(int port, BufferedReader reader) {
            this.port = port;
            this.reader = reader;
        }

        /** Opens the stream and returns once its first chunk arrived: the request holds its grant from then on. */
        static HeldStream open(String model, int port) throws IOException {
            HttpResponse<InputStream> response = stream(model);
            assertEquals(200, response.statusCode());
            BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            String first = readDataLine(reader);
            assertNotNull(first, "the held stream ended before its first chunk");
            assertTrue(first.contains("chat.completion.chunk"), first);
            return new HeldStream(port, reader);
        }

        /** Lets the fake finish and reads the stream to its end; returns its last data line. */
        String releaseAndFinish() throws IOException {
            FakeUpstream.post(port, "/release");
            String last = null;
            for (String line = readDataLine(reader); line != null; line = readDataLine(reader)) {
                last = line;
            }
            reader.close();
            return last;
        }
    }

    /** A chat request written on a raw socket, so the test can drop the connection while it waits. */
    static Socket rawChat(String model) throws IOException {
        return rawChat(model, false);
    }

    static Socket rawChat(String model, boolean stream) throws IOException {
        byte[] body = chat(model, stream).getBytes(StandardCharsets.UTF_8);
        Socket socket = new Socket("localhost", RestAssured.port);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }
}
