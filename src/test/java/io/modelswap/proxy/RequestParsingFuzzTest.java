package io.modelswap.proxy;

import io.modelswap.http.BadRequestException;
import io.modelswap.http.RequestGuard;
import io.modelswap.http.BoundedBody;
import io.modelswap.http.BodyBudget;
import io.modelswap.http.JsonBodies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Property tests of request parsing with random and adversarial input, seeded (set {@code -Dfuzz.seed=N} to replay a
 * failure; the seed is in every failure message) and bounded in time ({@code -Dfuzz.seconds}, 3 s per property by
 * default) once a minimum number of cases ran, so a loaded machine runs fewer extra cases but never fewer than that. The properties: model extraction and the multipart reader either answer or refuse with a 400/413/415,
 * never throw anything else, agree with a reference reading of well-formed input, and take time linear in the body;
 * the bounded body reader hands over exactly the bytes sent or refuses with a 413, and gives its memory back.
 */
class RequestParsingFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("fuzz.seconds", 3));
    private static final String BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=?";

    @org.junit.jupiter.api.BeforeAll
    static void warmUp() {
        // class loading and the first JIT tiers are not the parser's time
        for (int i = 0; i < 2_000; i++) {
            try {
                ModelExtractor.fromBody(i % 2 == 0 ? "application/json" : "multipart/form-data; boundary=b",
                        Buffer.buffer("{\"model\":\"m" + i + "\",\"a\":[1,{\"b\":null}]}"));
            } catch (BadRequestException expected) {
                // the multipart half is refused
            }
        }
    }

    /** Whether to run another case: always until {@code minimum} cases ran, then while the time budget lasts. */
    private static boolean another(long started, int cases, int minimum) {
        return cases < minimum || System.nanoTime() - started < BUDGET_NANOS;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory
            .getThreadMXBean();

    /** Runs the extraction; returns the model or null for a refusal; anything but a 400/413/415 refusal fails. */
    private static RequestedModel extract(String contentType, byte[] body, String context) {
        // CPU time of this thread, not wall time: other processes on a loaded machine do not count against the parser
        long started = THREADS.getCurrentThreadCpuTime();
        try {
            return ModelExtractor.fromBody(contentType, Buffer.buffer(body));
        } catch (BadRequestException e) {
            assertTrue(e.status() == 400 || e.status() == 413 || e.status() == 415, context + ": " + e.status());
            assertTrue(e.getMessage() != null && !e.getMessage().contains("[Source:"), context + ": " + e.getMessage());
            return null;
        } catch (Throwable t) {
            fail("seed " + SEED + ", " + context + ": " + t, t);
            return null;
        } finally {
            long millis = TimeUnit.NANOSECONDS.toMillis(THREADS.getCurrentThreadCpuTime() - started);
            // linear parsing of these sizes takes milliseconds; quadratic behaviour takes seconds of CPU
            assertTrue(millis < 1_000 + body.length / 1_000, "seed " + SEED + ", " + context + ": " + millis + " ms for "
                    + body.length + " bytes");
        }
    }

    // --- model extraction from JSON and forms ---------------------------------------------------------------

    @Test
    void extractionOfRandomAndMutatedBodiesAnswersOrRefusesCleanly() {
        Random random = new Random(SEED);
        long started = System.nanoTime();
        int cases = 0;
        while (another(started, cases, 200)) {
            cases++;
            String model = randomText(random, 1 + random.nextInt(40));
            String json = validJson(random, model);
            byte[] body = switch (random.nextInt(6)) {
                case 0 -> randomBytes(random, random.nextInt(2_000));
                case 1 -> mutate(random, json.getBytes(StandardCharsets.UTF_8));
                case 2 -> adversarialJson(random, model).getBytes(StandardCharsets.UTF_8);
                case 3 -> ("model=" + java.net.URLEncoder.encode(model, StandardCharsets.UTF_8) + "&x="
                        + randomText(random, 10)).getBytes(StandardCharsets.UTF_8);
                case 4 -> mutate(random, ("model=" + model).getBytes(StandardCharsets.UTF_8));
                default -> json.getBytes(StandardCharsets.UTF_8);
            };
            String type = pick(random, null, "application/json", "text/plain", "application/x-www-form-urlencoded",
                    "application/vnd.api+json", "application/octet-stream", "", "multipart/form-data; boundary=x");
            RequestedModel result = extract(type, body, "case " + cases + " type " + type);
            if (result != null) {
                assertTrue(!result.name().isBlank(), "seed " + SEED + ": a blank model was accepted");
            }
        }
    }

    @Test
    void extractionAgreesWithAFullParseOnWellFormedJson() throws Exception {
        Random random = new Random(SEED + 1);
        long started = System.nanoTime();
        int cases = 0;
        while (another(started, cases, 200)) {
            String model = randomText(random, 1 + random.nextInt(60));
            if (model.isBlank()) {
                continue;
            }
            cases++;
            String json = validJson(random, model);
            JsonNode reference = JsonBodies.MAPPER.readTree(json);
            RequestedModel result = extract(pick(random, "application/json", null, "text/plain"),
                    json.getBytes(StandardCharsets.UTF_8), json);
            assertEquals(reference.get("model").asText(), result.name(), "seed " + SEED + ": " + json);
            assertEquals(reference.path("stream").asBoolean(false), result.stream(), "seed " + SEED + ": " + json);
            assertTrue(result.json());
        }
    }

    // --- multipart ------------------------------------------------------------------------------------------

    @Test
    void multipartFieldsAreFoundWhereverTheyAreAndFilesNeverCount() {
        Random random = new Random(SEED + 2);
        long started = System.nanoTime();
        int cases = 0;
        while (another(started, cases, 100)) {
            cases++;
            String boundary = randomBoundary(random);
            String expected = null;
            ByteArrayOutputStream form = new ByteArrayOutputStream();
            int parts = random.nextInt(5);
            for (int i = 0; i < parts; i++) {
                boolean isFile = random.nextBoolean();
                String name = random.nextInt(3) == 0 ? "model" : randomText(random, 5);
                String value = isFile ? nearMisses(random, boundary, random.nextInt(4_000))
                        : "v" + randomText(random, random.nextInt(30)).strip();
                if (value.contains("\r\n--" + boundary)) {
                    continue; // a client picks a boundary its content does not hold; this content would end the part
                }
                if (!isFile && name.equals("model") && expected == null && !value.isBlank()) {
                    expected = value;
                }
                write(form, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                        + (isFile ? "; filename=\"f.bin\"\r\nContent-Type: application/octet-stream" : "")
                        + "\r\n\r\n" + value + "\r\n");
            }
            write(form, "--" + boundary + "--\r\n");
            String type = "multipart/form-data; boundary=" + (random.nextBoolean() ? boundary : "\"" + boundary + "\"");
            RequestedModel result = extract(type, form.toByteArray(), "multipart case " + cases);
            if (expected == null) {
                assertEquals(null, result, "seed " + SEED + ": no model field, yet " + result);
            } else {
                assertEquals(expected, result == null ? null : result.name(), "seed " + SEED + ", case " + cases);
            }
            // and any mangling of it is answered or refused, never thrown
            extract(type, mutate(random, form.toByteArray()), "mutated multipart case " + cases);
        }
    }

    @Test
    void multipartParsingIsLinearOnAdversarialBodies() {
        String boundary = "-".repeat(MultipartForm.MAX_BOUNDARY_LENGTH);
        // 4 MB where every position nearly matches the delimiter: quadratic search would compare ~70 bytes each
        byte[] nearMisses = ("-".repeat(MultipartForm.MAX_BOUNDARY_LENGTH + 1) + "x").repeat(4 * 1024 * 1024 / 72)
                .getBytes(StandardCharsets.US_ASCII);
        extract("multipart/form-data; boundary=" + boundary, nearMisses, "near misses");
        byte[] crlfs = "\r\n".repeat(2 * 1024 * 1024).getBytes(StandardCharsets.US_ASCII);
        extract("multipart/form-data; boundary=" + boundary, crlfs, "line breaks");
        String oneHugePart = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n"
                + "\r\n--".repeat(1024 * 1024) + "\r\n--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nm\r\n--b--";
        assertEquals("m", extract("multipart/form-data; boundary=b", oneHugePart.getBytes(StandardCharsets.US_ASCII),
                "huge part").name());
    }

    // --- the bounded body reader, over real HTTP ------------------------------------------------------------

    @Test
    void theBoundedBodyHandsOverExactlyWhatWasSentOrRefusesIt() throws Exception {
        Random random = new Random(SEED + 3);
        Vertx vertx = Vertx.vertx();
        try {
            BodyBudget budget = new BodyBudget(8L * 1024 * 1024);
            Router router = Router.router(vertx);
            router.post("/:limit").handler(rc -> {
                rc.request().pause(); // as the proxy routes do: nothing is read before the reader is in place
                BoundedBody.read(rc, Long.parseLong(rc.pathParam("limit")), budget)
                        .onComplete(read -> RequestGuard.run(rc.response(), "echo", () -> {
                            if (read.failed()) {
                                throw read.cause();
                            }
                            rc.response().end(sha256(read.result().getBytes()) + " " + read.result().length());
                        }));
            });
            HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage()
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            long started = System.nanoTime();
            int cases = 0;
            int refusals = 0;
            while (another(started, cases, 25)) {
                cases++;
                byte[] body = randomBytes(random, random.nextInt(random.nextBoolean() ? 300_000 : 3_000));
                long limit = random.nextInt(300_000);
                boolean chunked = random.nextBoolean();
                int chunkSize = 1 + random.nextInt(64 * 1024);
                String answer = send(client, server.actualPort(), "/" + limit, body, chunked, chunkSize);
                String context = "seed " + SEED + ", case " + cases + ": " + body.length + " bytes, limit " + limit
                        + (chunked ? ", chunked by " + chunkSize : "");
                if (body.length <= limit) {
                    assertEquals("200 " + sha256(body) + " " + body.length, answer, context);
                } else {
                    // the server may close an upload it refused before the client has read the 413
                    assertTrue(answer.startsWith("413 ") || answer.startsWith("failed "), context + ": " + answer);
                    refusals += answer.startsWith("413 ") ? 1 : 0;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (budget.held() != 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, budget.held(), "seed " + SEED + ": every exchange gave its bytes back");
            assertTrue(refusals > 0, "seed " + SEED + ": no 413 was ever read");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * "status body", or "failed ..." when the exchange broke (a refused upload may see its connection closed). The JDK
     * client sends a byte array with a Content-Length and a stream chunked, in pieces of {@code chunkSize}.
     */
    private static String send(java.net.http.HttpClient client, int port, String path, byte[] body, boolean chunked,
            int chunkSize) throws Exception {
        java.net.http.HttpRequest.BodyPublisher publisher = chunked
                ? java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.BufferedInputStream(
                        new java.io.ByteArrayInputStream(body), chunkSize))
                : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body);
        try {
            java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + path))
                    .timeout(java.time.Duration.ofSeconds(30)).POST(publisher).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (java.io.IOException e) {
            return "failed " + e;
        }
    }

    // --- generators -----------------------------------------------------------------------------------------

    private static String validJson(Random random, String model) {
        List<String> fields = new ArrayList<>();
        fields.add("\"model\":" + quote(model));
        if (random.nextBoolean()) {
            fields.add("\"stream\":" + random.nextBoolean());
        }
        int extra = random.nextInt(5);
        for (int i = 0; i < extra; i++) {
            fields.add(quote("k" + i + randomText(random, 3)) + ":" + randomValue(random, 0));
        }
        java.util.Collections.shuffle(fields, random);
        String ws = random.nextBoolean() ? " " : "\n\t";
        return (random.nextInt(4) == 0 ? ws : "") + "{" + String.join("," + ws, fields) + "}";
    }

    private static String randomValue(Random random, int depth) {
        return switch (depth > 4 ? random.nextInt(4) : random.nextInt(6)) {
            case 0 -> quote(randomText(random, random.nextInt(20)));
            case 1 -> Long.toString(random.nextLong());
            case 2 -> random.nextBoolean() ? "true" : "null";
            case 3 -> Double.toString(random.nextDouble() * 1e6);
            case 4 -> "[" + randomValue(random, depth + 1) + "," + randomValue(random, depth + 1) + "]";
            default -> "{\"model\":" + randomValue(random, depth + 1) + "}"; // nested "model" keys do not count
        };
    }

    private static String adversarialJson(Random random, String model) {
        return switch (random.nextInt(8)) {
            case 0 -> "{\"model\":" + quote(model) + ",\"a\":" + "[".repeat(900 + random.nextInt(300))
                    + "]".repeat(900 + random.nextInt(300)) + "}";
            case 1 -> "{\"model\":" + quote(model) + ",\"n\":" + "9".repeat(500 + random.nextInt(1_000)) + "}";
            case 2 -> "{\"model\":" + quote(model) + ",\"model\":" + quote(model) + "}";
            case 3 -> "\uFEFF{\"model\":" + quote(model) + "}";
            case 4 -> "{\"model\":" + quote(model) + ",\"s\":\"" + "\\u0000".repeat(random.nextInt(5_000)) + "\"}";
            case 5 -> "{\"model\":" + quote(model) + "}" + " ".repeat(random.nextInt(3)) + "{}";
            case 6 -> "{\"model\":[" + quote(model) + "]}";
            default -> "{\"" + "m".repeat(random.nextInt(10_000)) + "\":1,\"model\":" + quote(model) + "}";
        };
    }

    private static String randomBoundary(Random random) {
        StringBuilder boundary = new StringBuilder();
        int length = 1 + random.nextInt(MultipartForm.MAX_BOUNDARY_LENGTH);
        for (int i = 0; i < length; i++) {
            boundary.append(BCHARS.charAt(random.nextInt(BCHARS.length())));
        }
        return boundary.toString();
    }

    /** File content full of line breaks, dashes and prefixes of the delimiter that never complete it. */
    private static String nearMisses(Random random, String boundary, int length) {
        StringBuilder content = new StringBuilder();
        while (content.length() < length) {
            switch (random.nextInt(4)) {
                case 0 -> content.append("\r\n--").append(boundary, 0, random.nextInt(boundary.length()));
                case 1 -> content.append("\r\n");
                case 2 -> content.append("--");
                default -> content.append((char) ('a' + random.nextInt(26)));
            }
        }
        return content.toString();
    }

    private static byte[] mutate(Random random, byte[] input) {
        byte[] bytes = input.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && bytes.length > 0; i++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(3)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes = java.util.Arrays.copyOf(bytes, at); // truncate
                default -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    String specials = "{}[]\",:\\%\r\n-";
                    longer[at] = (byte) specials.charAt(random.nextInt(specials.length()));
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
            }
        }
        return bytes;
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            text.appendCodePoint(kind < 6 ? 'a' + random.nextInt(26) : kind < 8 ? "-_./:+ %&=\"\\".charAt(random.nextInt(12))
                    : kind < 9 ? 0xE9 + random.nextInt(100) : 0x1F600 + random.nextInt(50));
        }
        return text.toString();
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String quote(String text) {
        return io.vertx.core.json.Json.encode(text);
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
