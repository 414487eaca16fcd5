package io.modelswap.api;

import io.modelswap.metrics.ActivityLog;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/metrics/activity}: the recent proxied requests, newest first, in llama-swap's shape. Filters:
 * {@code model} (repeatable), {@code limit} (1–999, default 25), {@code page} (from 1).
 */
@Path("/api/metrics/activity")
public class ActivityResource {

    static final int MAX_LIMIT = 999;

    private final ActivityLog activity;

    public ActivityResource(ActivityLog activity) {
        this.activity = activity;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response activity(@QueryParam("model") List<String> models, @QueryParam("limit") @DefaultValue("25") int limit,
            @QueryParam("page") @DefaultValue("1") int page) {
        if (limit < 1 || limit > MAX_LIMIT) {
            return ApiErrors.error(400, "bad_request", "limit must be between 1 and " + MAX_LIMIT + " (was " + limit + ")");
        }
        if (page < 1) {
            return ApiErrors.error(400, "bad_request", "page must be >= 1 (was " + page + ")");
        }
        ActivityLog.Page result = activity.page(Set.copyOf(models), limit, page);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", result.data().stream().map(ActivityResource::row).toList());
        body.put("page", result.page());
        body.put("limit", result.limit());
        body.put("total", result.total());
        body.put("total_pages", result.totalPages());
        return Response.ok(body).build();
    }

    private static Map<String, Object> row(ActivityLog.Entry e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", e.id());
        row.put("timestamp", e.timestamp().toString());
        row.put("model", e.model());
        row.put("req_path", e.path());
        row.put("resp_content_type", e.contentType());
        row.put("resp_status_code", e.status());
        row.put("tokens", e.tokens().toJson());
        row.put("duration_ms", e.durationMs());
        row.put("has_capture", false);
        return row;
    }
}
