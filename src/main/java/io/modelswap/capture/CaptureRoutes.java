package io.modelswap.capture;

import io.modelswap.http.OpenAiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /api/captures/<id>}: the request and response of the proxied request with that activity id, as
 * llama-swap shows it ({@code {id, req_path, req_headers, req_body, resp_headers, resp_body}}, bodies in base64, null
 * when not kept). 404 when there is none (captures off, the request not captured, or dropped for newer ones).
 */
@ApplicationScoped
public class CaptureRoutes {

    private final CaptureBuffer buffer;

    public CaptureRoutes(CaptureBuffer buffer) {
        this.buffer = buffer;
    }

    void register(@Observes Router web) {
        web.route(HttpMethod.GET, "/api/captures/:id").handler(this::capture);
    }

    private void capture(RoutingContext rc) {
        String id = rc.pathParam("id");
        long parsed;
        try {
            parsed = Long.parseLong(id);
        } catch (NumberFormatException e) {
            OpenAiError.send(rc.response(), 400, "invalid capture id '" + id + "': an activity id is a number");
            return;
        }
        String capture = buffer.get(parsed);
        if (capture == null) {
            OpenAiError.send(rc.response(), 404, "no capture of request " + id + " (captureBuffer is 0, the request"
                    + " was not captured, or newer captures took its place)");
            return;
        }
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(capture);
    }
}
