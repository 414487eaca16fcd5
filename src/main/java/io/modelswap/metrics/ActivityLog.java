package io.modelswap.metrics;

import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recent proxied requests for {@code GET /api/metrics/activity}: an in-memory ring bounded by the configuration's
 * {@code metricsMaxInMemory} (read at every insert, so a reload that lowers it takes effect).
 */
@ApplicationScoped
public class ActivityLog {

    /** Used until a configuration is loaded (llama-swap's default). */
    static final int DEFAULT_MAX = 1000;

    /**
     * One finished request.
     *
     * @param id           increasing from 1
     * @param timestamp    when the request arrived
     * @param model        the configured model it went to
     * @param path         the path the client asked for
     * @param contentType  the response's content type, or empty
     * @param status       the status sent to the client (0 when the client went away first)
     * @param durationMs   from arrival to the end of the response
     * @param tokens       usage reported by the upstream
     */
    public record Entry(long id, Instant timestamp, String model, String path, String contentType, int status,
            long durationMs, Tokens tokens) {
    }

    /** One page of entries, newest first, with llama-swap's paging fields. */
    public record Page(List<Entry> data, int page, int limit, int total, int totalPages) {
    }

    private final Router router;
    private final AtomicLong ids = new AtomicLong();
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    public ActivityLog(Router router) {
        this.router = router;
    }

    void add(Instant timestamp, String model, String path, String contentType, int status, long durationMs,
            Tokens tokens) {
        Entry entry = new Entry(ids.incrementAndGet(), timestamp, model, path, contentType, status, durationMs, tokens);
        int max = capacity();
        synchronized (entries) {
            entries.addLast(entry);
            while (entries.size() > max) {
                entries.removeFirst();
            }
        }
    }

    /** Entries for {@code models} (all when empty), newest first, {@code limit} per page, pages counted from 1. */
    public Page page(Set<String> models, int limit, int page) {
        List<Entry> matching = new ArrayList<>();
        synchronized (entries) {
            for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (models.isEmpty() || models.contains(e.model())) {
                    matching.add(e);
                }
            }
        }
        int total = matching.size();
        int totalPages = (total + limit - 1) / limit;
        int from = Math.min(total, (page - 1) * limit);
        int to = Math.min(total, from + limit);
        return new Page(List.copyOf(matching.subList(from, to)), page, limit, total, totalPages);
    }

    private int capacity() {
        RouterView view = router.view();
        return view == null ? DEFAULT_MAX : Math.max(0, view.config().metricsMaxInMemory());
    }
}
