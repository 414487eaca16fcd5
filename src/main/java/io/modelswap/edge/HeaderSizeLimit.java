package io.modelswap.edge;

import io.modelswap.http.OpenAiError;
import io.modelswap.settings.ModelswapSettings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * Refuses a request whose header block is larger than {@code modelswap.proxy.max-header-size} with an OpenAI-style
 * 431, ahead of every other route. Vert.x's own limit ({@code quarkus.http.limits.max-header-size}, set higher) is
 * enforced by the HTTP decoder before any route runs and can only answer with an empty body; checking here first gives
 * clients a readable error for all but absurd header blocks.
 */
@ApplicationScoped
public class HeaderSizeLimit {

    /** Before the API-key check: an oversized request is refused whoever sends it. */
    static final int ORDER = -2000;

    private final long maxBytes;

    public HeaderSizeLimit(ModelswapSettings settings) {
        this.maxBytes = settings.proxy().maxHeaderSize().asLongValue();
    }

    void register(@Observes Router web) {
        web.route().order(ORDER).handler(this::check);
    }

    private void check(RoutingContext rc) {
        long size = 0;
        for (Map.Entry<String, String> header : rc.request().headers()) {
            size += header.getKey().length() + header.getValue().length() + 4; // "name: value\r\n"
        }
        if (size > maxBytes) {
            rc.response().putHeader(HttpHeaders.CONNECTION, "close");
            OpenAiError.send(rc.response(), 431, "request headers are " + size + " bytes, more than the limit of "
                    + maxBytes + " (modelswap.proxy.max-header-size)");
            return;
        }
        rc.next();
    }
}
