package io.modelswap.api;

import io.modelswap.sse.LineSubscriber;
import io.modelswap.failure.FailureCause;
import io.modelswap.http.BadRequestException;
import io.modelswap.http.BoundedBody;
import io.modelswap.http.JsonBodies;
import io.modelswap.http.OpenAiError;
import io.modelswap.http.RequestGuard;
import io.modelswap.http.FailureAnswer;
import io.modelswap.backend.Acquisition;
import io.modelswap.backend.Backends;
import io.modelswap.backend.ServedModel;
import io.modelswap.router.Router;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Explicit loading: {@code POST /api/models/load/<model>} answers {@code {"msg":"ok"}} once the model is ready (with
 * {@code Accept: text/event-stream}, its state changes are streamed until then), and the llama.cpp router dialect
 * {@code POST /models/load} / {@code POST /models/unload} with {@code {"model": "..."}}. A load is an ordinary
 * request to the router's run loop that is released as soon as it is granted, so it queues, swaps and respects
 * limits like any other; the model's TTL counts from then.
 */
@ApplicationScoped
public class ModelControlRoutes {

    /** Management bodies are tiny; anything bigger is refused unread. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final String LOAD_PREFIX = "/api/models/load/";
    /** How often a streamed load tells its estimated progress. */
    static final long PROGRESS_INTERVAL_MILLIS = 1000;

    private final Router router;
    private final Backends backends;
    private final Vertx vertx;

    public ModelControlRoutes(Router router, Backends backends, Vertx vertx) {
        this.router = router;
        this.backends = backends;
        this.vertx = vertx;
    }

    void register(@Observes io.vertx.ext.web.Router web) {
        web.route(HttpMethod.POST, "/api/models/load/*").handler(this::loadByPath);
        web.route(HttpMethod.POST, "/models/load").handler(rc -> withModelField(rc, (model, response) ->
                load(model, rc.response()).onComplete(ar -> answer(response, ar, new JsonObject().put("success", true)))));
        web.route(HttpMethod.POST, "/models/unload").handler(rc -> withModelField(rc, (model, response) ->
                router.unload(java.util.List.of(model.id())).onComplete(ar -> answer(response, ar,
                        new JsonObject().put("success", true)))));
    }

    private void loadByPath(RoutingContext rc) {
        String requested;
        try {
            requested = pathRest(rc, LOAD_PREFIX);
        } catch (BadRequestException e) {
            RequestGuard.answer(rc.response(), "loading a model", e);
            return;
        }
        Optional<ServedModel> model = resolve(requested);
        if (model.isEmpty()) {
            OpenAiError.send(rc.response(), 404, FailureCause.UNKNOWN_MODEL.code(), "model '" + requested
                    + "' not found; GET /v1/models lists the configured models");
            return;
        }
        String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains("text/event-stream")) {
            loadStreaming(model.get(), rc.response());
            return;
        }
        load(model.get(), rc.response()).onComplete(ar -> answer(rc.response(), ar, new JsonObject().put("msg", "ok")));
    }

    /**
     * Acquires {@code model} and releases the lease at once. Completes (on the caller's context) when the model is
     * ready, or fails with the refusal. A client that leaves cancels the acquisition.
     */
    Future<Void> load(ServedModel model, HttpServerResponse response) {
        Context http = vertx.getOrCreateContext();
        Promise<Void> ready = Promise.promise();
        Acquisition acquisition = model.acquire();
        response.closeHandler(v -> acquisition.cancel());
        acquisition.loadOnly().onComplete(loaded -> http.runOnContext(v -> ready.handle(loaded)));
        return ready.future();
    }

    private void loadStreaming(ServedModel model, HttpServerResponse response) {
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        LineSubscriber subscriber = new LineSubscriber(response);
        Context http = vertx.getOrCreateContext();
        Acquisition acquisition = model.acquire();
        subscriber.onClose(acquisition::cancel);
        acquisition.onLoadProgress(step -> {
            if (!subscriber.isClosed()) {
                subscriber.send(sse("state", new JsonObject().put("model", step.model()).put("from", step.from())
                        .put("state", step.state()).put("reason", step.reason())));
            }
        });
        // while the load under way can be estimated, a progress event every second
        java.util.concurrent.atomic.AtomicReference<io.modelswap.progress.LoadProgress> current =
                new java.util.concurrent.atomic.AtomicReference<>();
        acquisition.onLoadProgress(current::set);
        long ticker = vertx.setPeriodic(PROGRESS_INTERVAL_MILLIS, id -> {
            io.modelswap.progress.LoadProgress step = current.get();
            if (step != null && !subscriber.isClosed()) {
                step.estimate(java.time.Instant.now()).ifPresent(e -> subscriber.send(sse("progress", new JsonObject()
                        .put("model", step.model()).put("progress", Math.round(e.fraction() * 100) / 100.0)
                        .put("eta", e.secondsLeft()))));
            }
        });
        subscriber.onClose(() -> vertx.cancelTimer(ticker));
        acquisition.loadOnly().onComplete(loaded -> http.runOnContext(v -> subscriber.end(
                loaded.succeeded() ? sse("ready", new JsonObject().put("msg", "ok"))
                        : sse("error", FailureAnswer.of(loaded.cause()).body()))));
    }

    private static String sse(String event, JsonObject data) {
        return "event: " + event + "\ndata: " + data.encode() + "\n\n";
    }

    /** Answers {@code ok} or the router's refusal in the OpenAI envelope. */
    static void answer(HttpServerResponse response, io.vertx.core.AsyncResult<?> ar, JsonObject ok) {
        if (ar.succeeded()) {
            if (!response.ended() && !response.closed()) {
                response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(ok.encode());
            }
        } else {
            FailureAnswer.of(ar.cause()).send(response);
        }
    }

    interface ModelAction {
        void run(ServedModel model, HttpServerResponse response);
    }

    /** Reads {@code {"model": "..."}} and runs {@code action} with the model it names (an ID or an alias). */
    private void withModelField(RoutingContext rc, ModelAction action) {
        readJson(rc.request()).onComplete(read -> RequestGuard.run(rc.response(), "reading a model request", () -> {
            if (read.failed()) {
                throw read.cause();
            }
            String name = read.result().getValue("model") instanceof String s ? s : null;
            if (name == null || name.isBlank()) {
                OpenAiError.send(rc.response(), 400, "the body needs a \"model\" field naming a configured model");
                return;
            }
            Optional<ServedModel> model = resolve(name);
            if (model.isEmpty()) {
                OpenAiError.send(rc.response(), 404, FailureCause.UNKNOWN_MODEL.code(), "model '" + name + "' not found");
                return;
            }
            action.run(model.get(), rc.response());
        }));
    }

    /**
     * The rest of the routed path after {@code prefix}, percent-decoded like every other route's model IDs
     * ({@code al%70ha} is {@code alpha}; {@code +} stays a plus).
     */
    static String pathRest(RoutingContext rc, String prefix) {
        String path = rc.normalizedPath();
        String rest = path.length() > prefix.length() ? path.substring(prefix.length()) : "";
        try {
            return URLDecoder.decode(rest.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(400, "invalid percent-encoding in '" + rest + "'");
        }
    }

    /** The model a requested name means, from the backends (local models first). */
    Optional<ServedModel> resolve(String requested) {
        return backends.find(requested);
    }

    /**
     * Reads a small JSON object body; fails with a {@link BadRequestException} for the client: 413 (and the
     * connection closed) when it is over {@link #MAX_BODY_BYTES}, announced or not, 400 when it is not a JSON object.
     */
    static Future<JsonObject> readJson(HttpServerRequest request) {
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && !declared.trim().matches("\\d{1,18}")) {
            return Future.failedFuture(new BadRequestException(400, "invalid Content-Length: " + declared)
                    .closingConnection());
        }
        if (declared != null && Long.parseLong(declared.trim()) > MAX_BODY_BYTES) {
            return Future.failedFuture(tooLarge());
        }
        Promise<JsonObject> result = Promise.promise();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                request.pause();
                result.tryFail(tooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> result.tryFail(new BadRequestException(400,
                "could not read the request body: " + e.getMessage()).closingConnection()));
        request.endHandler(v -> {
            if (body.length() == 0) {
                result.tryComplete(new JsonObject());
                return;
            }
            try {
                Object parsed = JsonBodies.parse(body);
                if (!(parsed instanceof Map<?, ?> map)) {
                    result.tryFail(new BadRequestException(400, "the body must be a JSON object"));
                    return;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) map;
                result.tryComplete(new JsonObject(fields));
            } catch (BadRequestException e) {
                result.tryFail(e);
            }
        });
        if (BoundedBody.expectsContinue(request)) {
            request.response().writeContinue();
        }
        request.resume();
        return result.future();
    }

    private static BadRequestException tooLarge() {
        return new BadRequestException(413, "request body is larger than the " + MAX_BODY_BYTES
                + " bytes a management request may have").closingConnection();
    }
}
