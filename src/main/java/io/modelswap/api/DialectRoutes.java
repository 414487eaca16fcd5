package io.modelswap.api;

import io.modelswap.failure.FailureCause;
import io.modelswap.backend.ServedModel;
import io.modelswap.config.ModelConfig;
import io.modelswap.process.ProcessView;
import io.modelswap.process.ProcessState;
import io.modelswap.http.BadRequestException;
import io.modelswap.http.RequestGuard;
import io.modelswap.http.FailureAnswer;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.modelswap.http.OpenAiError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The model-control calls of other servers' APIs, so their clients can manage modelswap's models. Only the control
 * calls are understood; nothing here is proxied.
 * <ul>
 * <li>Ollama: {@code POST /api/generate} or {@code /api/chat} without a prompt or messages loads the model, or
 * unloads it with {@code "keep_alive": 0}; {@code GET /api/ps} lists the running models.</li>
 * <li>Docker Model Runner: {@code POST /engines/unload} with {@code {"models": [...]}} or {@code {"all": true}}.</li>
 * </ul>
 */
@ApplicationScoped
public class DialectRoutes {

    private final Router router;
    private final ModelControlRoutes control;

    public DialectRoutes(Router router, ModelControlRoutes control) {
        this.router = router;
        this.control = control;
    }

    void register(@Observes io.vertx.ext.web.Router web) {
        web.route(HttpMethod.POST, "/api/generate").handler(rc -> ollama(rc, "prompt", false));
        web.route(HttpMethod.POST, "/api/chat").handler(rc -> ollama(rc, "messages", true));
        web.route(HttpMethod.GET, "/api/ps").handler(this::ollamaPs);
        web.route(HttpMethod.POST, "/engines/unload").handler(this::dmrUnload);
    }

    private void ollama(RoutingContext rc, String contentField, boolean chat) {
        HttpServerResponse response = rc.response();
        ModelControlRoutes.readJson(rc.request()).onComplete(read -> RequestGuard.run(response,
                "reading an Ollama request", () -> {
            if (read.failed()) {
                if (read.cause() instanceof BadRequestException bad) {
                    if (bad.closesConnection()) {
                        response.putHeader(HttpHeaders.CONNECTION, "close");
                    }
                    ollamaError(response, bad.status(), bad.getMessage());
                    return;
                }
                throw read.cause();
            }
            JsonObject body = read.result();
            String name = body.getValue("model") instanceof String s ? s : "";
            if (name.isBlank()) {
                ollamaError(response, 400, "model is required");
                return;
            }
            Object content = body.getValue(contentField);
            boolean hasContent = content instanceof String s ? !s.isEmpty()
                    : content instanceof JsonArray a ? !a.isEmpty() : content != null;
            if (hasContent) {
                ollamaError(response, 400, "modelswap does not serve Ollama's " + rc.request().path()
                        + "; send the request to the OpenAI-compatible /v1/chat/completions instead."
                        + " Only loading and unloading (no " + contentField + ") are understood here");
                return;
            }
            Optional<ServedModel> model = control.resolve(name);
            if (model.isEmpty()) {
                ollamaError(response, 404, "model '" + name + "' not found", FailureCause.UNKNOWN_MODEL.code());
                return;
            }
            if (isZero(body.getValue("keep_alive"))) {
                router.unload(List.of(model.get().id())).onComplete(ar -> ollamaDone(response, name, chat, "unload"));
            } else {
                control.load(model.get(), response).onComplete(ar -> {
                    if (ar.succeeded()) {
                        ollamaDone(response, name, chat, "load");
                    } else {
                        FailureAnswer error = FailureAnswer.of(ar.cause());
                        if (error.reachesClient()) {
                            ollamaError(response, error.status(), error.message(), error.code());
                        }
                    }
                });
            }
        }));
    }

    /** Ollama's {@code keep_alive} is a number of seconds or a duration string; zero in any form unloads. */
    static boolean isZero(Object keepAlive) {
        if (keepAlive instanceof Number n) {
            return n.doubleValue() == 0;
        }
        return keepAlive instanceof String s && s.strip().matches("0+(\\.0+)?(ms|s|m|h)?");
    }

    private static void ollamaDone(HttpServerResponse response, String model, boolean chat, String reason) {
        JsonObject done = new JsonObject().put("model", model).put("created_at", Instant.now().toString());
        if (chat) {
            done.put("message", new JsonObject().put("role", "assistant").put("content", ""));
        } else {
            done.put("response", "");
        }
        done.put("done_reason", reason).put("done", true);
        if (!response.ended() && !response.closed()) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(done.encode());
        }
    }

    private static void ollamaError(HttpServerResponse response, int status, String message) {
        ollamaError(response, status, message, null);
    }

    /**
     * Ollama's error shape, {@code {"error": "<message>"}}, which its clients read as a string; the OpenAI-style code
     * ({@code model_not_found}, ...) rides along as {@code code} so that the unknown model reads the same everywhere.
     */
    private static void ollamaError(HttpServerResponse response, int status, String message, String code) {
        if (!response.ended() && !response.closed()) {
            JsonObject body = new JsonObject().put("error", message);
            if (code != null) {
                body.put("code", code);
            }
            response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
        }
    }

    private void ollamaPs(RoutingContext rc) {
        JsonArray models = new JsonArray();
        RouterView view = router.view();
        if (view != null) {
            for (ProcessView process : view.processes().values()) {
                if (process.state() != ProcessState.READY) {
                    continue;
                }
                ModelConfig model = process.config();
                models.add(new JsonObject()
                        .put("name", model.id())
                        .put("model", model.id())
                        .put("size", 0)
                        .put("digest", "")
                        .put("details", new JsonObject().put("format", "").put("family", "")
                                .put("parameter_size", "").put("quantization_level", ""))
                        .put("expires_at", model.ttlSeconds() > 0 ? "" : "0001-01-01T00:00:00Z")
                        .put("size_vram", 0));
            }
        }
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("models", models).encode());
    }

    /**
     * Docker Model Runner's unload: the loop picks what to stop (every model it sees running, for {@code all}) and
     * answers with how many of the targets were running; nothing here reads a process's state to decide.
     */
    private void dmrUnload(RoutingContext rc) {
        HttpServerResponse response = rc.response();
        ModelControlRoutes.readJson(rc.request()).onComplete(read -> RequestGuard.run(response,
                "reading an unload request", () -> {
            if (read.failed()) {
                throw read.cause();
            }
            JsonObject body = read.result();
            Future<List<String>> unloaded;
            if (Boolean.TRUE.equals(body.getValue("all"))) {
                unloaded = router.unloadRunning();
            } else if (body.getValue("models") instanceof JsonArray names && !names.isEmpty()) {
                List<String> targets = new ArrayList<>();
                for (Object name : names) {
                    Optional<ServedModel> model = name instanceof String s ? control.resolve(s) : Optional.empty();
                    if (model.isEmpty()) {
                        OpenAiError.send(response, 404, FailureCause.UNKNOWN_MODEL.code(),
                                "model '" + name + "' not found");
                        return;
                    }
                    targets.add(model.get().id());
                }
                unloaded = router.unload(targets);
            } else {
                OpenAiError.send(response, 400, "the body needs {\"models\": [\"...\"]} or {\"all\": true}");
                return;
            }
            unloaded.onComplete(ar -> response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(new JsonObject().put("unloaded_runners", ar.succeeded() ? ar.result().size() : 0).encode()));
        }));
    }
}
