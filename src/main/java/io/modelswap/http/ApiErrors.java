package io.modelswap.http;

import io.modelswap.http.OpenAiError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** OpenAI-style error responses for the REST endpoints. */
public final class ApiErrors {

    private ApiErrors() {
    }

    public static Response notFound(String message) {
        return error(404, "not_found", message);
    }

    /** An unknown model: the one code every route uses for it. */
    public static Response modelNotFound(String message) {
        return error(404, io.modelswap.failure.FailureCause.UNKNOWN_MODEL.code(), message);
    }

    /** An error response; a null {@code code} takes the usual code of the status. */
    public static Response error(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(OpenAiError.body(status, code == null ? OpenAiError.codeFor(status) : code, message).encode())
                .build();
    }
}
