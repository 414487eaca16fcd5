package io.modelswap.performance;

import io.modelswap.http.OpenAiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * {@code GET /api/performance[?after=RFC3339]}: {@code {enabled: true, sys_stats, gpu_stats}}, the samples of the
 * last hour (those after {@code after}); {@code GET /api/hardware}: the snapshot taken when sampling started. Both
 * answer 503 {@code {"enabled": false}} when {@code performance.disabled} is set or there is nothing to report.
 */
@ApplicationScoped
public class PerformanceRoutes {

    private final PerformanceMonitor monitor;

    public PerformanceRoutes(PerformanceMonitor monitor) {
        this.monitor = monitor;
    }

    void register(@Observes Router web) {
        web.route(HttpMethod.GET, "/api/performance").handler(this::performance);
        web.route(HttpMethod.GET, "/api/hardware").handler(this::hardware);
    }

    private void performance(RoutingContext rc) {
        if (!monitor.available()) {
            disabled(rc);
            return;
        }
        Instant after = null;
        String given = rc.queryParams().get("after");
        if (given != null && !given.isBlank()) {
            try {
                after = OffsetDateTime.parse(given.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                JsonObject body = OpenAiError.body(400, "bad_request", "after must be an RFC 3339 timestamp, e.g."
                        + " 2026-01-02T15:04:05Z (was '" + given + "')");
                body.getJsonObject("error").put("param", "after");
                rc.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(body.encode());
                return;
            }
        }
        json(rc, monitor.samples(after));
    }

    private void hardware(RoutingContext rc) {
        JsonObject snapshot = monitor.available() ? monitor.hardware() : null;
        if (snapshot == null) {
            disabled(rc);
            return;
        }
        json(rc, snapshot);
    }

    private static void disabled(RoutingContext rc) {
        rc.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("enabled", false).encode());
    }

    private static void json(RoutingContext rc, JsonObject body) {
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.encode());
    }
}
