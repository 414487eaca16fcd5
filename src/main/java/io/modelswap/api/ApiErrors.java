package io.modelswap.api;

import io.modelswap.proxy.OpenAiError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** OpenAI-style error responses for the REST endpoints. */
final class ApiErrors {

    private ApiErrors() {
    }

    static Response notFound(String message) {
        return error(404, "not_found", message);
    }

    static Response error(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(OpenAiError.body(status, code, message).encode()).build();
    }
}
