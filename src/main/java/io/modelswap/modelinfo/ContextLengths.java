package io.modelswap.modelinfo;

import io.modelswap.config.ModelConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.process.ProcessState;
import io.modelswap.process.StateChange;
import io.modelswap.router.Router;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.modelswap.http.GetRequests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The context length each local model's upstream reports, for {@code /v1/models} ({@code meta.n_ctx},
 * {@code context_length}). Asked once each time a model becomes ready, in the background with a short timeout:
 * llama-server's {@code GET /props} ({@code default_generation_settings.n_ctx}, else {@code n_ctx}), else the
 * upstream's own {@code GET /v1/models} (vLLM's {@code max_model_len}, or {@code meta.n_ctx}). The listing only reads
 * what is known, so it never waits on an upstream, and nothing here touches a swap.
 *
 * <p>An answer is kept with the configuration it was learned under: a changed model's old answer no longer counts,
 * and a model a reload removed is dropped, so the map holds at most one entry per configured model.
 */
@ApplicationScoped
public class ContextLengths {

    private static final Logger LOG = Logger.getLogger(ContextLengths.class);
    /** How long one question to an upstream may take: a ready server answers these pages at once. */
    static final long TIMEOUT_MS = 2000;
    /** Larger answers are not read: a /props or model list is a few KiB. */
    private static final int MAX_BODY = 1 << 20;

    private final Vertx vertx;
    private final Router router;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private volatile HttpClient client;

    /** A context length and the model configuration it was learned under. */
    private record Known(ModelConfig config, int nCtx) {
    }

    public ContextLengths(Vertx vertx, Router router) {
        this.vertx = vertx;
        this.router = router;
    }

    void listen(@Observes StartupEvent event) {
        vertx.eventBus().<StateChange>localConsumer(StateChange.ADDRESS, message -> onStateChange(message.body()));
    }

    /** The context length {@code model}'s upstream reported under its current configuration, if it did. */
    public OptionalInt of(ModelConfig model) {
        Known k = known.get(model.id());
        return k != null && k.config().equals(model) ? OptionalInt.of(k.nCtx()) : OptionalInt.empty();
    }

    void onStateChange(StateChange change) {
        SwapConfig config = router.view().config();
        known.entrySet().removeIf(e -> !e.getValue().config().equals(config.models().get(e.getKey())));
        ModelConfig model = config.models().get(change.model());
        if (change.to() == ProcessState.READY && model != null) {
            ask(model);
        }
    }

    private void ask(ModelConfig model) {
        String base = model.proxy().endsWith("/") ? model.proxy().substring(0, model.proxy().length() - 1)
                : model.proxy();
        get(base + "/props").map(ContextLengths::fromProps)
                .compose(n -> n > 0 ? Future.succeededFuture(n)
                        : get(base + "/v1/models").map(ContextLengths::fromModels))
                .onSuccess(n -> {
                    if (n > 0 && model.equals(router.view().config().models().get(model.id()))) {
                        known.put(model.id(), new Known(model, n));
                    }
                })
                .onFailure(e -> LOG.debugf("no context length from %s: %s", model.id(), e.getMessage()));
    }

    /** The body of a 200 answer to {@code GET url}, or an empty object for any other answer. */
    private Future<JsonObject> get(String url) {
        RequestOptions options;
        try {
            options = GetRequests.of(url);
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(new JsonObject());
        }
        options.setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS).putHeader("Accept", "application/json");
        return client().request(options).compose(request -> request.send())
                .compose(response -> response.statusCode() == 200 ? body(response) : Future.succeededFuture(null))
                .map(body -> {
                    if (body == null || body.length() > MAX_BODY) {
                        return new JsonObject();
                    }
                    Object parsed = Buffer.buffer(body.getBytes()).toJson();
                    return parsed instanceof JsonObject object ? object : new JsonObject();
                })
                .recover(e -> Future.succeededFuture(new JsonObject()));
    }

    private static Future<Buffer> body(HttpClientResponse response) {
        String length = response.getHeader("Content-Length");
        if (length != null && length.length() < 12 && Long.parseLong(length.strip()) > MAX_BODY) {
            response.request().connection().close();
            return Future.succeededFuture(null);
        }
        return response.body();
    }

    /** llama-server's {@code /props}: {@code default_generation_settings.n_ctx}, else a top-level {@code n_ctx}. */
    static int fromProps(JsonObject props) {
        int n = positive(props.getValue("default_generation_settings") instanceof JsonObject settings
                ? settings.getValue("n_ctx") : null);
        return n > 0 ? n : positive(props.getValue("n_ctx"));
    }

    /** An OpenAI model list: the first entry's {@code max_model_len} (vLLM) or {@code meta.n_ctx}. */
    static int fromModels(JsonObject list) {
        if (!(list.getValue("data") instanceof JsonArray data)) {
            return 0;
        }
        for (Object entry : data) {
            if (entry instanceof JsonObject model) {
                int n = positive(model.getValue("max_model_len"));
                if (n <= 0 && model.getValue("meta") instanceof JsonObject meta) {
                    n = positive(meta.getValue("n_ctx"));
                }
                if (n > 0) {
                    return n;
                }
            }
        }
        return 0;
    }

    private static int positive(Object value) {
        if (value instanceof Number number && number.longValue() > 0 && number.longValue() <= Integer.MAX_VALUE) {
            return number.intValue();
        }
        return 0;
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    // made on first use, not at build time: a native image must not hold a started client
                    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setMaxPoolSize(4)
                            .setConnectTimeout((int) TIMEOUT_MS).setName("modelswap-model-info"));
                }
                c = client;
            }
        }
        return c;
    }
}
