package io.modelswap.metrics;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One proxied request while it runs, as {@link RequestTracker} follows it from the moment its model is known to the
 * end of its response: what the in-flight list shows (state, queue position, bytes) and, for the captures, a bounded
 * copy of its bodies. The tracker writes it; {@link RequestObserver}s read it (from any thread: the fields they read
 * are immutable or volatile).
 */
public final class LiveRequest {

    /** Where a request stands. */
    public enum State {
        /** Waiting in the router's queue behind other requests ({@link #queuePosition()} says where). */
        QUEUED,
        /** Admitted and waiting for its model to be ready (a swap or start under way, or just submitted). */
        LOADING,
        /** Granted: the request went to the upstream and its answer is (being) sent back. */
        STREAMING;

        /** The name the API shows. */
        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Memory the body copies of running requests may take together (the capture feature's budget). */
    public interface CopyBudget {
        /** Takes {@code bytes} from the budget; false (and nothing taken) when that would exceed it. */
        boolean take(long bytes);

        /** Gives back bytes taken earlier. */
        void give(long bytes);
    }

    /** Headers never shown or kept: credentials (the API key reaches the upstream, never a log, list or capture). */
    static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "x-api-key", "cookie",
            "set-cookie");
    static final String REDACTED = "[REDACTED]";

    private final long id;
    private final Instant arrived = Instant.now();
    private final String model;
    private final String path;
    private final String method;
    private final String remoteAddress;
    private final MultiMap requestHeaders;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Context context;
    /** The body the proxy read to find the model; null when the body is piped through unread ({@code /upstream}). */
    private final Buffer requestBody;

    private volatile State state = State.LOADING;
    private volatile int queuePosition;
    private volatile MultiMap responseHeaders = MultiMap.caseInsensitiveMultiMap();
    private volatile String cancelledBy;
    /** The target a failover selector's request was forwarded to last; null for any other request. */
    private volatile String servedBy;
    /** The name the client asked for (an alias, a selector, a bare peer model name), when it is not {@link #model}. */
    private final String requested;
    /** What a cancel does, set by whoever serves the request; runs on the request's context. */
    private volatile Runnable canceller;
    private volatile boolean upstreamAnswered;
    /** Set for a websocket: its frames' byte counts replace the HTTP exchange's. */
    private volatile WebSocketTrack websocket;

    // ---- body copies; written on the request's context only ----
    private CopyBudget budget;
    private boolean keepRequestBody;
    private Buffer responseCopy;
    private boolean copyIncomplete;
    private long held;

    LiveRequest(long id, String model, String requested, HttpServerRequest request, Buffer requestBody,
            Context context) {
        this.id = id;
        this.model = model;
        this.requested = requested == null || requested.isEmpty() || requested.equals(model) ? null : requested;
        this.path = request.path();
        this.method = request.method().name();
        this.remoteAddress = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
        // the request's own headers, not a copy: nothing changes a proxied request's headers after it arrived (what
        // the upstream gets is a copy, UpstreamRequests), so the row need not copy them for every request
        this.requestHeaders = request.headers();
        this.request = request;
        this.response = request.response();
        this.requestBody = requestBody;
        this.context = context;
    }

    /** Unique among requests since modelswap started, increasing. */
    public long id() {
        return id;
    }

    public Instant arrived() {
        return arrived;
    }

    /** The configured model ID it went to (aliases resolved). */
    public String model() {
        return model;
    }

    /**
     * The name the client asked for when it is not {@link #model}: an alias, a selector that chose {@code model}, a
     * peer model's bare name; null when the client named the model itself.
     */
    public String requested() {
        return requested;
    }

    public String path() {
        return path;
    }

    public String method() {
        return method;
    }

    /** The client's address as the connection shows it. */
    public String remoteAddress() {
        return remoteAddress;
    }

    /** A request header's first value, or null. Secret headers read as {@code [REDACTED]}. */
    public String header(String name) {
        String value = requestHeaders.get(name);
        return value != null && SECRET_HEADERS.contains(name.toLowerCase(Locale.ROOT)) ? REDACTED : value;
    }

    /** The request headers, first value of each, credentials redacted. */
    public Map<String, String> requestHeaders() {
        return redacted(requestHeaders);
    }

    /** The response headers the upstream sent (empty until it answered), first value of each, credentials redacted. */
    public Map<String, String> responseHeaders() {
        return redacted(responseHeaders);
    }

    public State state() {
        return state;
    }

    /** Whether the upstream's response headers have arrived. */
    public boolean upstreamAnswered() {
        return upstreamAnswered;
    }

    /** 1-based place in the router's queue while {@link State#QUEUED}; 0 otherwise. */
    public int queuePosition() {
        return queuePosition;
    }

    /** Request body bytes received from the client so far (a websocket's: its data frames' payloads). */
    public long bytesReceived() {
        WebSocketTrack ws = websocket;
        return ws != null ? ws.fromClient() : requestBody != null ? requestBody.length() : request.bytesRead();
    }

    /** Response body bytes sent to the client so far (a websocket's: its data frames' payloads). */
    public long bytesSent() {
        WebSocketTrack ws = websocket;
        return ws != null ? ws.toClient() : response.bytesWritten();
    }

    /** Whether this is a websocket's connection rather than an HTTP exchange. */
    public boolean websocket() {
        return websocket != null;
    }

    /** Who cancelled it through the API ({@code /api/inflight/<id>/cancel}), or null. */
    public String cancelledBy() {
        return cancelledBy;
    }

    /** The target that served a failover selector's request (a model ID or peer FQN), or null. */
    public String servedBy() {
        return servedBy;
    }

    /** The proxy forwards the request to {@code target}, a failover selector's candidate; the last one is kept. */
    public void servedBy(String target) {
        servedBy = target;
    }

    /**
     * Sets what {@link #cancel} does: the proxy withdraws the request's acquisition (or releases its lease), resets the
     * upstream exchange and ends the client's exchange, whatever the HTTP version. Called once, at the start.
     */
    public void onCancel(Runnable canceller) {
        this.canceller = canceller;
    }

    /**
     * Ends the request as if its client had hung up, through what {@link #onCancel} set (the acquisition and the
     * upstream exchange, never a connection's close handler, which HTTP/1.x does not run when the server closes the
     * connection itself). Returns false when it had already ended.
     */
    public boolean cancel(String by) {
        WebSocketTrack ws = websocket;
        if (ws != null ? ws.isEnded() : response.ended() || response.closed()) {
            return false;
        }
        cancelledBy = by;
        context.runOnContext(v -> {
            Runnable cancel = canceller;
            if (cancel != null) {
                cancel.run();
            } else if (!response.ended() && !response.closed()) {
                response.reset();
            }
        });
        return true;
    }

    // ---------------------------------------------------------------- body copies (for captures)

    /**
     * Keeps the request body and a copy of the response body until the end, within {@code budget}: bytes beyond it
     * are not copied and {@link #responseBody()} then answers null. Call from {@link RequestObserver#begun}.
     */
    public void copyBodies(CopyBudget budget) {
        this.budget = budget;
        this.responseCopy = Buffer.buffer();
        if (requestBody != null && budget.take(requestBody.length())) {
            held += requestBody.length();
            keepRequestBody = true;
        } else if (requestBody != null) {
            copyIncomplete = true;
        }
    }

    /** Whether every body asked for by {@link #copyBodies} was kept (none outgrew the budget). */
    public boolean copiesComplete() {
        return !copyIncomplete;
    }

    /** The request body as read by the proxy, when kept; null otherwise. */
    public Buffer requestBody() {
        return keepRequestBody ? requestBody : null;
    }

    /** The copy of the response body, or null when none was asked for or it outgrew its budget. */
    public Buffer responseBody() {
        return responseCopy;
    }

    // ---------------------------------------------------------------- written by the tracker

    void queuePosition(int position) {
        queuePosition = Math.max(0, position);
        if (state != State.STREAMING) {
            state = position > 0 ? State.QUEUED : State.LOADING;
        }
    }

    void websocket(WebSocketTrack track) {
        websocket = track;
    }

    void granted() {
        queuePosition = 0;
        state = State.STREAMING;
    }

    void answered(MultiMap headers) {
        responseHeaders = MultiMap.caseInsensitiveMultiMap().addAll(headers);
        upstreamAnswered = true;
    }

    void copyChunk(Buffer chunk) {
        if (responseCopy == null) {
            return;
        }
        if (!budget.take(chunk.length())) {
            held -= responseCopy.length();
            budget.give(responseCopy.length());
            responseCopy = null;
            copyIncomplete = true;
            return;
        }
        held += chunk.length();
        responseCopy.appendBuffer(chunk);
    }

    /** Returns the copies' bytes to their budget; the copies themselves stay readable. */
    void releaseCopies() {
        if (budget != null && held > 0) {
            budget.give(held);
            held = 0;
        }
    }

    HttpServerResponse response() {
        return response;
    }

    /** First value of each header under its canonical name ({@code x-trace-id} → {@code X-Trace-Id}, as Go shows it). */
    public static Map<String, String> redacted(MultiMap headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            out.putIfAbsent(canonical(header.getKey()), SECRET_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))
                    ? REDACTED : header.getValue());
        }
        return out;
    }

    static String canonical(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return out.toString();
    }
}
