package io.modelswap.metrics;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads token usage out of a response as it streams past, without holding the response: a plain JSON answer is kept
 * only while it is small ({@link #MAX_JSON_BYTES}); an SSE stream is scanned line by line and only {@code data:}
 * lines that mention {@code usage} or {@code timings} are parsed. Used on one connection's context only.
 */
final class UsageScanner {

    /** Larger JSON answers (embeddings of long batches...) are not parsed: their usage is not worth the memory. */
    static final int MAX_JSON_BYTES = 256 * 1024;
    /** Longest SSE line kept while looking for its end; a longer one is skipped. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private final boolean sse;
    private ByteArrayOutputStream pending = new ByteArrayOutputStream();
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
        byte[] bytes = chunk.getBytes();
        if (!sse) {
            if (pending.size() + bytes.length > MAX_JSON_BYTES) {
                gaveUp = true;
                pending = null;
                return;
            }
            pending.write(bytes, 0, bytes.length);
            return;
        }
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                appendToLine(bytes, start, i);
                endLine();
                start = i + 1;
            }
        }
        appendToLine(bytes, start, bytes.length);
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
        if (!gaveUp && !sse && pending.size() > 0) {
            parse(pending.toString(StandardCharsets.UTF_8));
        } else if (!gaveUp && sse) {
            endLine();
        }
        pending = null;
        gaveUp = true;
        return tokens;
    }

    private void appendToLine(byte[] bytes, int from, int to) {
        if (skippingLine || to <= from) {
            return;
        }
        if (pending.size() + (to - from) > MAX_LINE_BYTES) {
            skippingLine = true;
            pending.reset();
            return;
        }
        pending.write(bytes, from, to - from);
    }

    private void endLine() {
        if (!skippingLine && pending.size() > 0) {
            String line = pending.toString(StandardCharsets.UTF_8).strip();
            if (line.startsWith("data:") && (line.contains("\"usage\"") || line.contains("\"timings\"")
                    || line.contains("\"error\""))) {
                parse(line.substring("data:".length()).strip());
            }
        }
        skippingLine = false;
        pending.reset();
    }

    private void parse(String json) {
        try {
            JsonObject message = new JsonObject(json);
            tokens = tokens.merge(message);
            if (errorMessage == null) {
                errorMessage = errorIn(message);
            }
        } catch (DecodeException | ClassCastException notAnObject) {
            // not JSON (or an array): nothing to read
        }
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
