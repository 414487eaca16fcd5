package io.modelswap.proxy;

import io.modelswap.http.OpenAiError;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * llama-swap's {@code sendLoadingState}: while a streaming chat request waits for its model, the client gets a 200
 * {@code text/event-stream} at once, and the wait is told as {@code reasoning_content} deltas (which chat UIs show in
 * their "thinking" box): the model being loaded, a dot every {@link #TICK_MILLIS} (or, once the load's length can be
 * estimated from the model's recent loads, "loading m: 40 % (about 12 s left)" each time another tenth is done), the
 * queue position when it changes, and "Done!" with the time it took. The real answer then continues on the same response (see
 * {@link UpstreamForwarder#forwardBody}).
 *
 * <p>Every method runs on the request's context (the timer is set from it), so the state needs no lock; after
 * {@link #done}, {@link #fail} or {@link #stop} nothing more is written by this class.
 */
final class LoadingStream {

    /** How often a "." says the load is still going. */
    static final long TICK_MILLIS = 750;
    /** The id of every chunk, as one completion's chunks share one id. */
    private static final String CHUNK_ID_PREFIX = "chatcmpl-modelswap-loading-";

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final String model;
    private final String chunkId;
    private final long startedNanos = System.nanoTime();
    private long timer = -1;
    private int toldPosition;
    /** The step that began the load under way, when its length can be estimated; null otherwise. */
    private io.modelswap.progress.LoadProgress estimated;
    /** The tenth of the estimate last said, so a line is said per tenth, not per tick. */
    private int toldTenth = -1;
    private boolean over;

    private LoadingStream(Vertx vertx, HttpServerResponse response, String model) {
        this.vertx = vertx;
        this.response = response;
        this.model = model;
        this.chunkId = CHUNK_ID_PREFIX + Long.toHexString(startedNanos);
    }

    /** Sends the 200 and the first line, and starts the dots. Call on the request's context. */
    static LoadingStream start(Vertx vertx, HttpServerResponse response, String model) {
        LoadingStream stream = new LoadingStream(vertx, response, model);
        response.setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .setChunked(true);
        stream.say("modelswap loading model: " + model + "\n");
        stream.timer = vertx.setPeriodic(TICK_MILLIS, id -> stream.tick());
        return stream;
    }

    /** The request's 1-based place in the queue; repeated positions are said once, and 0 (left the queue) not at all. */
    void queuePosition(int position) {
        if (position > 0 && position != toldPosition) {
            toldPosition = position;
            say("\nQueue position: #" + position + "\n");
        }
    }

    /** A step of the model's load: one that begins a load of a known length turns the dots into an estimate. */
    void loadStep(io.modelswap.progress.LoadProgress step) {
        estimated = step.estimate(java.time.Instant.now()).isPresent() ? step : null;
        toldTenth = -1;
        if (estimated != null) {
            tick();
        }
    }

    private void tick() {
        java.util.Optional<io.modelswap.progress.LoadProgress.Estimate> estimate = estimated == null
                ? java.util.Optional.empty() : estimated.estimate(java.time.Instant.now());
        if (estimate.isEmpty()) {
            say(".");
            return;
        }
        int tenth = estimate.get().percent() / 10;
        if (tenth != toldTenth) {
            toldTenth = tenth;
            say("\n" + describe(model, estimate.get()));
        }
    }

    /** "loading qwen-32b: 40 % (about 12 s left)". */
    static String describe(String model, io.modelswap.progress.LoadProgress.Estimate estimate) {
        return "loading " + model + ": " + estimate.percent() + " % (about " + estimate.secondsLeft() + " s left)";
    }

    /** The model is ready: say how long it took and hand the response over to the upstream's answer. */
    void done() {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        say(String.format(Locale.ROOT, "\nDone! (%.2fs)\n\n", seconds));
        finish();
    }

    /** The load failed: end the stream with the error as its last event. */
    void fail(int status, String code, String message) {
        finish();
        if (!response.closed() && !response.ended()) {
            response.end(OpenAiError.sseEvent(status, code, message));
        }
    }

    /** The client went away: stop writing. */
    void stop() {
        finish();
    }

    private void finish() {
        over = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void say(String text) {
        if (over || response.closed() || response.ended()) {
            return;
        }
        JsonObject chunk = new JsonObject()
                .put("id", chunkId)
                .put("object", "chat.completion.chunk")
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", model)
                .put("choices", new JsonArray().add(new JsonObject()
                        .put("index", 0)
                        .put("delta", new JsonObject().put("reasoning_content", text))
                        .putNull("finish_reason")));
        response.write("data: " + chunk.encode() + "\n\n");
    }
}
