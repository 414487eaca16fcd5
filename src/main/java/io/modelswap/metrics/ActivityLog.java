package io.modelswap.metrics;

import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

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
     * @param error        what went wrong, for a request that failed (status 4xx/5xx, or 499: the client went away
     *                     or it was cancelled); null for a success
     * @param servedBy     for a request to a {@code failover} selector (whose name is {@code model}), the target that
     *                     served it last (a model ID or peer FQN); null for any other request
     * @param requested    the name the client asked for when it is not {@code model} (an alias, a selector, a peer
     *                     model's bare name); null when it named the model itself
     * @param websocket    for a websocket (status 101), the bytes its frames carried each way; null for HTTP
     */
    public record Entry(long id, Instant timestamp, String model, String path, String contentType, int status,
            long durationMs, Tokens tokens, String error, String servedBy, String requested,
            WebSocketBytes websocket) {

        /** A row of an HTTP request that named its model or failover selector itself. */
        public Entry(long id, Instant timestamp, String model, String path, String contentType, int status,
                long durationMs, Tokens tokens, String error, String servedBy) {
            this(id, timestamp, model, path, contentType, status, durationMs, tokens, error, servedBy, null, null);
        }

        /** A row of a request that went to the model it named. */
        public Entry(long id, Instant timestamp, String model, String path, String contentType, int status,
                long durationMs, Tokens tokens, String error) {
            this(id, timestamp, model, path, contentType, status, durationMs, tokens, error, null, null, null);
        }
    }

    /**
     * What a websocket's data frames carried, payload bytes.
     *
     * @param fromClient from the client to the upstream
     * @param toClient   from the upstream to the client
     */
    public record WebSocketBytes(long fromClient, long toClient) {
    }

    /** How entries can be ordered. */
    public enum Sort {
        ID, TIMESTAMP, DURATION_MS
    }

    /**
     * A filtered, sorted, paged look at the entries, as llama-swap's {@code /api/metrics/activity} takes it.
     *
     * @param models    the models to keep; all when empty
     * @param start     keep entries at or after this time; null = no bound
     * @param end       keep entries before this time; null = no bound
     * @param minId     keep entries with at least this id; null = no bound
     * @param maxId     keep entries with at most this id; null = no bound
     * @param limit     entries per page, at least 1
     * @param page      the page, counted from 1
     * @param sort      the key to order by
     * @param ascending smallest key first
     */
    public record Query(Set<String> models, Instant start, Instant end, Long minId, Long maxId, int limit, int page,
            Sort sort, boolean ascending) {

        public Query {
            models = Set.copyOf(models);
        }

        boolean matches(Entry e) {
            return (models.isEmpty() || models.contains(e.model()))
                    && (start == null || !e.timestamp().isBefore(start))
                    && (end == null || e.timestamp().isBefore(end))
                    && (minId == null || e.id() >= minId)
                    && (maxId == null || e.id() <= maxId);
        }

        Comparator<Entry> order() {
            Comparator<Entry> byId = Comparator.comparingLong(Entry::id);
            Comparator<Entry> key = switch (sort) {
                case ID -> byId;
                case TIMESTAMP -> Comparator.comparing(Entry::timestamp).thenComparing(byId);
                case DURATION_MS -> Comparator.comparingLong(Entry::durationMs).thenComparing(byId);
            };
            return ascending ? key : key.reversed();
        }
    }

    /** One page of entries, newest first, with llama-swap's paging fields. */
    public record Page(List<Entry> data, int page, int limit, int total, int totalPages) {
    }

    private final Router router;
    private final AtomicLong ids = new AtomicLong();
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();
    /** Where entries are also kept across restarts ({@code store.path}); null: memory only. */
    private volatile ActivityArchive archive;

    public ActivityLog(Router router) {
        this.router = router;
    }

    /**
     * Keeps every entry recorded from now on in {@code archive} too, and takes the newest entries it holds (up to
     * {@code metricsMaxInMemory}) into memory; ids continue after the highest one it holds. Called once, at startup,
     * before any request is recorded.
     */
    public void restoreFrom(ActivityArchive archive) {
        List<Entry> restored = archive.newest(capacity());
        synchronized (entries) {
            for (Entry e : restored) {
                entries.addLast(e);
                ids.accumulateAndGet(e.id(), Math::max);
            }
            trim();
        }
        ids.accumulateAndGet(archive.highestId(), Math::max);
        this.archive = archive;
    }

    /** Records a finished request and returns its row; it is visible to {@link #page} but not yet announced. */
    Entry record(Instant timestamp, String model, String path, String contentType, int status, long durationMs,
            Tokens tokens, String error, String servedBy, String requested, WebSocketBytes websocket) {
        Entry entry = new Entry(ids.incrementAndGet(), timestamp, model, path, contentType, status, durationMs, tokens,
                error, servedBy, requested, websocket);
        synchronized (entries) {
            entries.addLast(entry);
            trim();
        }
        ActivityArchive keep = archive;
        if (keep != null) {
            keep.append(entry);
        }
        return entry;
    }

    /** Tells the subscribers of {@code entry} (once whatever belongs to it, such as its capture, is in place). */
    void announce(Entry entry) {
        for (Consumer<Entry> listener : listeners) {
            try {
                listener.accept(entry);
            } catch (RuntimeException e) {
                // a listener's failure is its own; the others still hear of the entry
            }
        }
    }

    /** Calls {@code listener} with every entry recorded from now on, after it is visible to {@link #page}. */
    public void subscribe(Consumer<Entry> listener) {
        listeners.add(listener);
    }

    /** Every entry in memory that {@code models} selects (all when empty), oldest first. */
    public List<Entry> entries(Set<String> models) {
        List<Entry> out = new ArrayList<>();
        synchronized (entries) {
            for (Entry e : entries) {
                if (models.isEmpty() || models.contains(e.model())) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private void trim() {
        int max = capacity();
        while (entries.size() > max) {
            entries.removeFirst();
        }
    }

    /** The entries {@code query} selects, in its order, one page of them. */
    public Page page(Query query) {
        List<Entry> matching = new ArrayList<>();
        synchronized (entries) {
            for (Entry e : entries) {
                if (query.matches(e)) {
                    matching.add(e);
                }
            }
        }
        matching.sort(query.order());
        int limit = query.limit();
        int total = matching.size();
        int totalPages = (total + limit - 1) / limit;
        long fromLong = Math.min(total, (long) (query.page() - 1) * limit);
        int from = (int) fromLong;
        int to = Math.min(total, from + limit);
        return new Page(List.copyOf(matching.subList(from, to)), query.page(), limit, total, totalPages);
    }

    /** Entries for {@code models} (all when empty), newest first, {@code limit} per page, pages counted from 1. */
    public Page page(Set<String> models, int limit, int page) {
        return page(new Query(models, null, null, null, null, limit, page, Sort.ID, false));
    }

    private int capacity() {
        RouterView view = router.view();
        return view == null ? DEFAULT_MAX : Math.max(0, view.config().metricsMaxInMemory());
    }
}
