package io.modelswap.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads token usage out of a response as it streams past, without holding the response: a plain JSON answer is kept
 * only while it is small ({@link #MAX_JSON_BYTES}); an SSE stream is scanned line by line and only {@code data:}
 * lines that mention {@code usage}, {@code timings} or {@code error} are parsed. Used on one connection's context only.
 *
 * <p>Cheap per chunk: bytes are copied once into one growing array (no per-chunk or per-line strings), a line becomes
 * a string only when it is one to parse, and parsing reads only the top-level fields that carry usage or an error
 * ({@link #WANTED}); the rest (the answer's text, choices, logprobs) is skipped by the streaming parser, not built
 * into a tree.
 */
final class UsageScanner {

    /** Larger JSON answers (embeddings of long batches...) are not parsed: their usage is not worth the memory. */
    static final int MAX_JSON_BYTES = 256 * 1024;
    /** Longest SSE line kept while looking for its end; a longer one is skipped. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    /** The top-level fields {@link Tokens#merge} and {@link #errorIn} read; everything else is skipped. */
    static final Set<String> WANTED = Set.of("usage", "timings", "error", "message", "detail", "response");

    private static final byte[] DATA = "data:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[][] MARKERS = {bytes("\"usage\""), bytes("\"timings\""), bytes("\"error\"")};
    private static final JsonFactory FACTORY = new JsonFactory();

    private final boolean sse;
    private byte[] pending = new byte[256];
    private int size;
    private boolean skippingLine;
    private boolean gaveUp;
    private Tokens tokens = Tokens.NONE;
    private String errorMessage;

    private UsageScanner(boolean sse) {
        this.sse = sse;
    }

    /** A scanner for a response of this content type and length, or null when there is nothing to read. */
    static UsageScanner forResponse(String contentType, String contentLength) {
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("text/event-stream")) {
            return new UsageScanner(true);
        }
        if (type.contains("json")) {
            try {
                if (contentLength != null && Long.parseLong(contentLength.strip()) > MAX_JSON_BYTES) {
                    return null;
                }
            } catch (NumberFormatException ignored) {
                // chunked or odd: measured as it comes
            }
            return new UsageScanner(false);
        }
        return null;
    }

    void accept(Buffer chunk) {
        if (gaveUp) {
            return;
        }
        int length = chunk.length();
        if (!sse) {
            if (size + length > MAX_JSON_BYTES) {
                gaveUp = true;
                pending = null;
                return;
            }
            append(chunk, 0, length);
            return;
        }
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (chunk.getByte(i) == '\n') {
                appendToLine(chunk, start, i);
                endLine();
                start = i + 1;
            }
        }
        appendToLine(chunk, start, length);
    }

    /**
     * The message of an error answer ({@code error.message}, {@code error}, {@code message} or {@code detail} of a
     * JSON body or of an SSE event, llama-swap's order), at most {@link #MAX_ERROR_CHARS} characters; null when none.
     * Read after {@link #finish}.
     */
    String errorMessage() {
        return errorMessage;
    }

    /** The tokens seen; call once the response has ended. */
    Tokens finish() {
        if (!gaveUp && !sse && size > 0) {
            parse(pending, 0, size);
        } else if (!gaveUp && sse) {
            endLine();
        }
        pending = null;
        gaveUp = true;
        return tokens;
    }

    private void appendToLine(Buffer chunk, int from, int to) {
        if (skippingLine || to <= from) {
            return;
        }
        if (size + (to - from) > MAX_LINE_BYTES) {
            skippingLine = true;
            size = 0;
            return;
        }
        append(chunk, from, to);
    }

    private void append(Buffer chunk, int from, int to) {
        int needed = size + (to - from);
        if (needed > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(needed, pending.length * 2));
        }
        chunk.getBytes(from, to, pending, size);
        size = needed;
    }

    private void endLine() {
        if (!skippingLine && size > 0) {
            int from = 0;
            int to = size;
            while (from < to && (pending[from] & 0xff) <= ' ') {
                from++;
            }
            if (startsWith(pending, from, to, DATA) && containsAny(pending, from, to)) {
                parse(pending, from + DATA.length, to);
            }
        }
        skippingLine = false;
        size = 0;
    }

    /** Reads the wanted top-level fields of the JSON object in {@code bytes[from, to)}; anything else is ignored. */
    private void parse(byte[] bytes, int from, int to) {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser parser = FACTORY.createParser(bytes, from, to - from)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return; // not JSON, or an array: nothing to read
            }
            JsonToken token = parser.nextToken();
            for (; token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (WANTED.contains(name)) {
                    fields.put(name, valueOf(parser, value));
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return; // cut short or followed by more: not one JSON object, as a full parse would have refused
            }
        } catch (IOException | RuntimeException malformed) {
            return; // not JSON: nothing to read
        }
        JsonObject message = new JsonObject(fields);
        tokens = tokens.merge(message);
        if (errorMessage == null) {
            errorMessage = errorIn(message);
        }
    }

    /**
     * The value at {@code token} as Vert.x's JSON types hold it (maps, lists, strings, numbers, booleans, null), read
     * straight off the parser: the few small objects wanted here do not need a data-binding context each.
     */
    private static Object valueOf(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, valueOf(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    if (t == null) {
                        throw new IOException("unexpected end of input");
                    }
                    array.add(valueOf(parser, t));
                }
                return array;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT -> {
                return parser.getNumberValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return parser.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected " + token);
        }
    }

    private static boolean startsWith(byte[] bytes, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsAny(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != '"') {
                continue;
            }
            for (byte[] marker : MARKERS) {
                if (to - i >= marker.length && Arrays.equals(bytes, i, i + marker.length, marker, 0, marker.length)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Longest error message kept for an activity row (llama-swap's limit). */
    static final int MAX_ERROR_CHARS = 500;

    private static String errorIn(JsonObject message) {
        Object error = message.getValue("error");
        String text = error instanceof JsonObject e && e.getValue("message") instanceof String m ? m
                : error instanceof String s ? s
                : message.getValue("message") instanceof String m ? m
                : message.getValue("detail") instanceof String d ? d : null;
        if (text == null || text.isBlank()) {
            return null;
        }
        text = text.strip();
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "...";
    }
}
