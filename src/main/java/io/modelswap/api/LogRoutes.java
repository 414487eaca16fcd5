package io.modelswap.api;

import io.modelswap.logs.LogHub;
import io.modelswap.sse.LineSubscriber;
import io.modelswap.config.ModelConfig;
import io.modelswap.process.LogRing;
import io.modelswap.process.ProcessView;
import io.modelswap.http.OpenAiError;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * llama-swap's log endpoints: {@code GET /logs} (the combined history, plain text) and
 * {@code GET /logs/stream[/proxy|/upstream|/<model>]} (chunked text: the history, then live lines; {@code ?no-history}
 * skips the history). A reader that falls behind is dropped (see {@link LineSubscriber}).
 */
@ApplicationScoped
public class LogRoutes {

    static final String TEXT = "text/plain; charset=utf-8";

    private final LogHub hub;
    private final Router router;

    public LogRoutes(LogHub hub, Router router) {
        this.hub = hub;
        this.router = router;
    }

    void register(@Observes io.vertx.ext.web.Router web) {
        web.route(HttpMethod.GET, "/logs").handler(rc -> rc.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT)
                .end(hub.combined().history()));
        web.route(HttpMethod.GET, "/logs/stream").handler(rc -> stream(rc, hub.combined()));
        web.route(HttpMethod.GET, "/logs/stream/*").handler(this::streamOne);
    }

    private void streamOne(RoutingContext rc) {
        String name = ModelControlRoutes.pathRest(rc, "/logs/stream/");
        switch (name) {
            case "proxy" -> stream(rc, hub.proxy());
            case "upstream" -> stream(rc, hub.upstream());
            default -> {
                Optional<LogRing> ring = modelRing(name);
                if (ring.isEmpty()) {
                    OpenAiError.send(rc.response(), 400, "invalid log source '" + name
                            + "': use proxy, upstream or a configured model ID");
                    return;
                }
                stream(rc, ring.get());
            }
        }
    }

    private Optional<LogRing> modelRing(String name) {
        RouterView view = router.view();
        if (view == null || name.isEmpty()) {
            return Optional.empty();
        }
        return view.config().resolve(name).map(ModelConfig::id).map(id -> view.processes().get(id))
                .map(ProcessView::logs);
    }

    private static void stream(RoutingContext rc, LogRing ring) {
        HttpServerResponse response = rc.response();
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, TEXT)
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Accel-Buffering", "no");
        response.write(""); // send the headers now: a quiet log must not look like a hung request
        LineSubscriber subscriber = new LineSubscriber(response);
        boolean history = !rc.request().params().contains("no-history");
        Runnable unsubscribe = history
                ? ring.subscribeWithHistory(line -> subscriber.send(line + "\n"))
                : ring.subscribe(line -> subscriber.send(line + "\n"));
        subscriber.onClose(unsubscribe);
    }
}
