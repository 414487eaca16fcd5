package io.modelswap.proxy;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The last route of all: a request nothing else took (no proxied endpoint, no REST resource, no static file) gets an
 * OpenAI-style 404 rather than the framework's HTML page, so an OpenAI client shows a readable error.
 */
@ApplicationScoped
public class NotFoundRoute {

    /** After every other route, REST endpoints included (they hand unmatched requests on to the next route). */
    static final int ORDER = Integer.MAX_VALUE - 10;

    void register(@Observes Router web) {
        web.route().order(ORDER).handler(rc -> OpenAiError.send(rc.response(), 404, "no endpoint "
                + rc.request().method() + " " + rc.request().path() + "; see README.md for the endpoints modelswap serves"));
    }
}
