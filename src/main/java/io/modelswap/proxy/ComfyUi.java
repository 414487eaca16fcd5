package io.modelswap.proxy;

import io.modelswap.backend.Backends;
import io.modelswap.backend.ServedModel;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * llama-swap's ComfyUI passthrough: the model with the fixed ID {@code comfyui_auto} (a local one, never a peer's) is
 * served under {@code /comfyui/}, its websocket included; the configuration gives it {@code ignoreWebsockets} and a
 * concurrency limit of at least 50, for the many parallel requests ComfyUI's page makes.
 */
final class ComfyUi {

    static final String MODEL_ID = "comfyui_auto";
    static final String PREFIX = "/comfyui";

    private ComfyUi() {
    }

    /** The ComfyUI model when it is configured locally (an alias of that name does not count). */
    static Optional<ServedModel> model(Backends backends) {
        return backends.find(MODEL_ID).filter(model -> model.id().equals(MODEL_ID)
                && model.backend().kind().equals("local"));
    }

    /** {@code /comfyui} to {@code /comfyui/}, so the page's relative URLs resolve: 301 for GET/HEAD, else 308. */
    static void redirect(RoutingContext rc) {
        if (!rc.request().path().equals(PREFIX)) {
            rc.next(); // Vert.x lets the route match "/comfyui/" too: that one is served
            return;
        }
        boolean safe = rc.request().method() == HttpMethod.GET || rc.request().method() == HttpMethod.HEAD;
        rc.response().setStatusCode(safe ? 301 : 308)
                .putHeader(HttpHeaders.LOCATION, PREFIX + "/"
                        + (rc.request().query() == null ? "" : "?" + rc.request().query()))
                .end();
    }
}
