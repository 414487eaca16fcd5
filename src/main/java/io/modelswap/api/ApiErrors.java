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

    /** An unknown model: the one code every route uses for it. */
    static Response modelNotFound(String message) {
        return error(404, io.modelswap.proxy.ProxyRoutes.MODEL_NOT_FOUND, message);
    }

    /** An error response; a null {@code code} takes the usual code of the status. */
    static Response error(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(OpenAiError.body(status, code == null ? OpenAiError.codeFor(status) : code, message).encode())
                .build();
    }
}
