package io.modelswap.api;

import io.modelswap.capture.CaptureBuffer;
import io.modelswap.metrics.ActivityLog;
import io.modelswap.http.OpenAiError;
import io.vertx.core.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/metrics/activity}: the recent proxied requests in llama-swap's shape. Filters: {@code model}
 * (repeatable), {@code start}/{@code end} (RFC 3339; start inclusive, end exclusive), {@code min_id}/{@code max_id}
 * (inclusive); paging: {@code limit} (1–999, default 25), {@code page} (from 1); order: {@code sort} ({@code id},
 * {@code timestamp}, {@code duration_ms}) and {@code order} ({@code desc}, the default, or {@code asc}). An invalid
 * value is answered 400 with an OpenAI error naming the parameter.
 */
@Path("/api/metrics/activity")
public class ActivityResource {

    static final int MAX_LIMIT = 999;
    static final int DEFAULT_LIMIT = 25;

    private final ActivityLog activity;
    private final CaptureBuffer captures;

    public ActivityResource(ActivityLog activity, CaptureBuffer captures) {
        this.activity = activity;
        this.captures = captures;
    }

    /** A query parameter with a value it cannot take. */
    private static final class BadParam extends RuntimeException {
        final String param;

        BadParam(String param, String message) {
            super(message, null, false, false);
            this.param = param;
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response activity(@QueryParam("model") List<String> models, @QueryParam("start") String start,
            @QueryParam("end") String end, @QueryParam("min_id") String minId, @QueryParam("max_id") String maxId,
            @QueryParam("limit") String limit, @QueryParam("page") String page, @QueryParam("sort") String sort,
            @QueryParam("order") String order) {
        ActivityLog.Query query;
        try {
            int lim = integer("limit", limit, DEFAULT_LIMIT);
            if (lim < 1 || lim > MAX_LIMIT) {
                throw new BadParam("limit", "limit must be between 1 and " + MAX_LIMIT + " (was " + lim + ")");
            }
            int pg = integer("page", page, 1);
            if (pg < 1) {
                throw new BadParam("page", "page must be >= 1 (was " + pg + ")");
            }
            query = new ActivityLog.Query(Set.copyOf(models.stream().filter(m -> !m.isEmpty()).toList()),
                    time("start", start), time("end", end), id("min_id", minId), id("max_id", maxId), lim, pg,
                    sort(sort), ascending(order));
        } catch (BadParam e) {
            JsonObject body = OpenAiError.body(400, "bad_request", e.getMessage());
            body.getJsonObject("error").put("param", e.param);
            return Response.status(400).type(MediaType.APPLICATION_JSON).entity(body.encode()).build();
        }
        ActivityLog.Page result = activity.page(query);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", result.data().stream().map(this::row).toList());
        body.put("page", result.page());
        body.put("limit", result.limit());
        body.put("total", result.total());
        body.put("total_pages", result.totalPages());
        return Response.ok(body).build();
    }

    private static boolean absent(String value) {
        return value == null || value.isBlank();
    }

    private static int integer(String name, String value, int fallback) {
        if (absent(value)) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new BadParam(name, name + " must be an integer (was '" + value + "')");
        }
    }

    private static Long id(String name, String value) {
        if (absent(value)) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new BadParam(name, name + " must be an integer (was '" + value + "')");
        }
    }

    private static Instant time(String name, String value) {
        if (absent(value)) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadParam(name, name + " must be an RFC 3339 timestamp, e.g. 2026-01-02T15:04:05Z (was '"
                    + value + "')");
        }
    }

    private static ActivityLog.Sort sort(String value) {
        if (absent(value)) {
            return ActivityLog.Sort.ID;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "id" -> ActivityLog.Sort.ID;
            case "timestamp" -> ActivityLog.Sort.TIMESTAMP;
            case "duration_ms" -> ActivityLog.Sort.DURATION_MS;
            default -> throw new BadParam("sort", "sort must be one of id, timestamp, duration_ms (was '" + value + "')");
        };
    }

    private static boolean ascending(String value) {
        if (absent(value)) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw new BadParam("order", "order must be asc or desc (was '" + value + "')");
        };
    }

    private Map<String, Object> row(ActivityLog.Entry e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", e.id());
        row.put("timestamp", e.timestamp().toString());
        row.put("model", e.model());
        row.put("req_path", e.path());
        row.put("resp_content_type", e.contentType());
        row.put("resp_status_code", e.status());
        row.put("tokens", e.tokens().toJson());
        row.put("duration_ms", e.durationMs());
        row.put("has_capture", captures.has(e.id()));
        if (e.error() != null) {
            row.put("error_msg", e.error());
        }
        if (e.servedBy() != null) {
            row.put("served_by", e.servedBy());
        }
        if (e.requested() != null) {
            row.put("requested", e.requested());
        }
        if (e.websocket() != null) {
            row.put("websocket", Map.of("bytes_in", e.websocket().fromClient(), "bytes_out",
                    e.websocket().toClient()));
        }
        return row;
    }
}
