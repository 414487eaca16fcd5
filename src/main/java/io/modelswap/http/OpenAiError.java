package io.modelswap.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Errors in the OpenAI envelope {@code {"error":{"message","type","code"}}}, which every OpenAI client library
 * understands, with llama-swap's type and code for each status.
 */
public final class OpenAiError {

    private OpenAiError() {
    }

    /**
     * Writes the error unless the response has already started (then the connection is closed instead); as text or
     * HTML when the client's {@code Accept} asked for that ({@link ErrorFormat}).
     */
    public static void send(HttpServerResponse response, int status, String message) {
        send(response, status, codeFor(status), message);
    }

    public static void send(HttpServerResponse response, int status, String code, String message) {
        if (response.headWritten() || response.closed() || response.ended()) {
            if (!response.closed()) {
                response.reset();
            }
            return;
        }
        ErrorFormat format = ErrorFormat.forResponse(response);
        response.setStatusCode(status)
                .putHeader("Content-Type", format.contentType())
                .end(format.render(status, code, message));
    }

    /**
     * The error as the last event of a server-sent-event stream whose 200 is already sent (a loading stream):
     * {@code data: {"error":{...}}}, which OpenAI streaming clients raise as an error.
     */
    public static String sseEvent(int status, String code, String message) {
        return sseEvent(body(status, code, message));
    }

    /** An error envelope (ours or an upstream's) as a server-sent event. */
    public static String sseEvent(JsonObject envelope) {
        return "data: " + envelope.encode() + "\n\n";
    }

    public static JsonObject body(int status, String code, String message) {
        return new JsonObject().put("error", new JsonObject()
                .put("message", message)
                .put("type", typeFor(status))
                .putNull("param")
                .put("code", code));
    }

    static String typeFor(int status) {
        return switch (status) {
            case 400, 404, 405, 408, 409, 413, 414, 415, 417, 431 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> "server_error";
        };
    }

    public static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 409 -> "conflict";
            case 413 -> "request_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 429 -> "rate_limit_exceeded";
            case 431 -> "request_header_fields_too_large";
            case 502 -> "bad_gateway";
            case 503 -> "service_unavailable";
            case 504 -> "gateway_timeout";
            default -> "internal_error";
        };
    }
}
