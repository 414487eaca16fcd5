package io.modelswap.activity.stats;

import io.modelswap.metrics.ActivityLog;
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
import java.util.List;
import java.util.Set;

/**
 * {@code GET /api/metrics/stats}: {@link ActivityStats} over the activity rows in memory, filtered like
 * {@code /api/metrics/activity}: {@code model} (repeatable; all when absent), {@code start} (inclusive) and
 * {@code end} (exclusive) as RFC 3339 timestamps. A bad timestamp is a 400 naming the parameter.
 */
@ApplicationScoped
public class StatsRoutes {

    private final ActivityLog activity;

    public StatsRoutes(ActivityLog activity) {
        this.activity = activity;
    }

    void register(@Observes Router web) {
        web.route(HttpMethod.GET, "/api/metrics/stats").handler(this::stats);
    }

    private void stats(RoutingContext rc) {
        Set<String> models = Set.copyOf(rc.queryParam("model").stream().map(String::strip)
                .filter(m -> !m.isEmpty()).toList());
        Instant start;
        Instant end;
        try {
            start = time(rc, "start");
            end = time(rc, "end");
        } catch (IllegalArgumentException e) {
            JsonObject body = OpenAiError.body(400, "bad_request", e.getMessage());
            body.getJsonObject("error").put("param", e.getMessage().substring(0, e.getMessage().indexOf(' ')));
            rc.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(body.encode());
            return;
        }
        List<ActivityLog.Entry> rows = activity.entries(models).stream()
                .filter(e -> start == null || !e.timestamp().isBefore(start))
                .filter(e -> end == null || e.timestamp().isBefore(end))
                .toList();
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(ActivityStats.of(rows).encode());
    }

    private static Instant time(RoutingContext rc, String name) {
        String value = rc.queryParams().get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an RFC 3339 timestamp, e.g. 2026-01-02T15:04:05Z (was '"
                    + value + "')");
        }
    }
}
