package io.modelswap.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * How a client wants modelswap's own error answers (llama-swap #1038): {@code Accept: text/plain} gets
 * {@code modelswap: <message>} as text, {@code text/html} (a browser navigating) a small page, everyone else the
 * OpenAI JSON envelope. Decided once per request by the first route, and remembered for its response only when it is
 * not JSON: the rare text or HTML request costs one entry in a weak map that forgets the response with it, the
 * usual JSON request nothing.
 */
public enum ErrorFormat {
    JSON, TEXT, HTML;

    private static final Map<HttpServerResponse, ErrorFormat> NOT_JSON =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** Reads the request's {@code Accept} (text/plain first, then text/html, as llama-swap). Call on every request. */
    public static void remember(HttpServerRequest request) {
        ErrorFormat format = of(request.getHeader("Accept"));
        if (format != JSON) {
            NOT_JSON.put(request.response(), format);
        }
    }

    static ErrorFormat of(String accept) {
        if (accept == null) {
            return JSON;
        }
        String lower = accept.toLowerCase(Locale.ROOT);
        if (lower.contains("text/plain")) {
            return TEXT;
        }
        return lower.contains("text/html") ? HTML : JSON;
    }

    /** The format the client of {@code response} asked for. */
    static ErrorFormat forResponse(HttpServerResponse response) {
        ErrorFormat format = NOT_JSON.isEmpty() ? null : NOT_JSON.get(response);
        return format == null ? JSON : format;
    }

    /** The error as this format's body. */
    String render(int status, String code, String message) {
        return switch (this) {
            case TEXT -> "modelswap: " + message;
            case HTML -> "<html><body><h1>modelswap</h1><p>" + escape(message) + "</p></body></html>";
            case JSON -> OpenAiError.body(status, code, message).encode();
        };
    }

    String contentType() {
        return switch (this) {
            case TEXT -> "text/plain; charset=utf-8";
            case HTML -> "text/html; charset=utf-8";
            case JSON -> "application/json";
        };
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
