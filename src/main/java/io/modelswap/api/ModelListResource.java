package io.modelswap.api;

import io.modelswap.config.AccessKey;
import io.modelswap.config.Capabilities;
import io.modelswap.config.ModelConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.config.ProfileConfig;
import io.modelswap.modelinfo.ContextLengths;
import io.modelswap.peer.PeerListing;
import io.modelswap.profile.ActiveProfile;
import io.modelswap.selector.SelectorListing;
import io.modelswap.process.ProcessView;
import io.modelswap.process.ProcessState;
import io.modelswap.placement.MemoryBoard;
import io.modelswap.placement.MemoryView;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/models} and {@code GET /models}: the configured models in OpenAI's list shape, with their status, as
 * llama-swap shapes it ({@code owned_by: llama-swap}, the {@code meta.llamaswap} block, {@code meta.n_ctx}). A scoped
 * API key sees only the entries it may use ({@link ListingScope}).
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ModelListResource {

    /** Listed as the models' creation time: when this modelswap started. */
    private static final long CREATED = System.currentTimeMillis() / 1000;

    private final Router router;
    private final ActiveProfile profile;

    private final MemoryBoard memory;
    private final ContextLengths contextLengths;

    public ModelListResource(Router router, ActiveProfile profile, MemoryBoard memory,
            ContextLengths contextLengths) {
        this.router = router;
        this.profile = profile;
        this.memory = memory;
        this.contextLengths = contextLengths;
    }

    @GET
    @Path("v1/models")
    public Map<String, Object> v1Models(@Context RoutingContext rc) {
        return models(rc);
    }

    @GET
    @Path("models")
    public Map<String, Object> models(@Context RoutingContext rc) {
        RouterView view = router.view();
        Map<String, Object> list = withMemory(list(view, profile.current(), contextLengths::of));
        AccessKey key = rc == null ? null : rc.get(AccessKey.CONTEXT_KEY);
        if (key != null) {
            ListingScope.keepAllowed(list, key, view.config());
        }
        return list;
    }

    /** Each entry's {@code memory} (memory-aware placement's figures), when placement knows any. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> withMemory(Map<String, Object> list) {
        MemoryView view = memory.view();
        if (!view.enabled()) {
            return list;
        }
        for (Map<String, Object> entry : (List<Map<String, Object>>) list.get("data")) {
            Map<String, Object> meta = (Map<String, Object>) entry.get("meta");
            Object type = meta == null ? null : ((Map<String, Object>) meta.get("llamaswap")).get("type");
            Object model = "alias".equals(type) ? ((Map<String, Object>) meta.get("llamaswap")).get("modelID")
                    : entry.get("id");
            Map<String, Object> held = view.json(String.valueOf(model));
            if (held != null) {
                entry.put("memory", held);
            }
        }
        return list;
    }

    /** What a model's upstream reported as its context length, if it did (the listing never asks it). */
    interface ContextLength {
        OptionalInt of(ModelConfig model);
    }

    static Map<String, Object> list(RouterView view, Optional<ProfileConfig> activeProfile,
            ContextLength contextLength) {
        List<Map<String, Object>> data = new ArrayList<>();
        SwapConfig config = view.config();
        for (ModelConfig model : config.models().values()) {
            if (model.unlisted()) {
                continue;
            }
            ProcessView process = view.processes().get(model.id());
            ProcessState state = process == null ? ProcessState.STOPPED : process.state();
            OptionalInt reported = contextLength.of(model);
            data.add(entry(model.id(), model, state, "model", reported));
            if (config.includeAliasesInList()) {
                for (String alias : model.aliases()) {
                    data.add(entry(alias, model, state, "alias", reported));
                }
            }
        }
        data.addAll(PeerListing.entries(config, CREATED));
        data.addAll(SelectorListing.entries(view, activeProfile, CREATED));
        data.sort((a, b) -> ((String) a.get("id")).compareTo((String) b.get("id")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "list");
        body.put("data", data);
        return body;
    }

    /** llama-swap's fields a {@code capabilities:} block renders; the same keys in {@code metadata} give way. */
    private static final Set<String> CAPPED_METADATA = Set.of("architecture", "capabilities", "supported_parameters",
            "context_length");

    /**
     * One model or alias entry as llama-swap writes it: {@code meta.llamaswap} is the model's {@code metadata} with
     * llama-swap's own keys over it ({@code type}, {@code aliases} when it has some; an alias: {@code type} and
     * {@code modelID}), and {@code meta.n_ctx} beside it when the context length is known: the configured
     * {@code capabilities.context}, else what the upstream reported once loaded.
     */
    private static Map<String, Object> entry(String id, ModelConfig model, ProcessState state, String type,
            OptionalInt reported) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", id);
        entry.put("object", "model");
        entry.put("created", CREATED);
        entry.put("owned_by", "llama-swap");
        if (!model.name().isBlank()) {
            entry.put("name", model.name().strip());
        }
        if (!model.description().isBlank()) {
            entry.put("description", model.description().strip());
        }
        putCapabilities(entry, model.capabilities());
        Map<String, Object> llamaswap = new LinkedHashMap<>(model.metadata());
        if (model.capabilities() != null && !model.capabilities().equals(Capabilities.NONE)) {
            llamaswap.keySet().removeAll(CAPPED_METADATA);
        }
        llamaswap.put("type", type);
        if (type.equals("alias")) {
            llamaswap.put("modelID", model.id());
        } else if (!model.aliases().isEmpty()) {
            llamaswap.put("aliases", model.aliases());
        }
        if (!entry.containsKey("context_length") && reported.isPresent()) {
            entry.put("context_length", reported.getAsInt());
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("llamaswap", llamaswap);
        if (entry.get("context_length") instanceof Integer nCtx) {
            meta.put("n_ctx", nCtx);
        }
        entry.put("meta", meta);
        entry.put("status", Map.of("value", state == ProcessState.READY ? "loaded" : "unloaded",
                "state", state.apiName()));
        return entry;
    }

    /**
     * llama-swap's rendering of {@code capabilities:}: {@code architecture} when input and output modalities are
     * stated, {@code capabilities} with only the true flags (left out when none is), {@code context_length} when
     * stated.
     */
    static void putCapabilities(Map<String, Object> entry, Capabilities caps) {
        if (caps == null) {
            return;
        }
        if (!caps.in().isEmpty() && !caps.out().isEmpty()) {
            Map<String, Object> architecture = new LinkedHashMap<>();
            architecture.put("input_modalities", caps.in());
            architecture.put("output_modalities", caps.out());
            architecture.put("modality", String.join("+", caps.in()) + "->" + String.join("+", caps.out()));
            entry.put("architecture", architecture);
        }
        Map<String, Object> flags = new LinkedHashMap<>();
        if (caps.in().contains("image")) {
            flags.put("vision", true);
        }
        if (caps.in().contains("audio")) {
            flags.put("audio_transcriptions", true);
        }
        if (caps.out().contains("audio")) {
            flags.put("audio_speech", true);
        }
        if (caps.out().contains("image")) {
            flags.put("image_generation", true);
        }
        if (caps.tools()) {
            flags.put("function_calling", true);
        }
        if (caps.reranker()) {
            flags.put("reranker", true);
        }
        if (!flags.isEmpty()) {
            entry.put("capabilities", flags);
        }
        if (caps.context() > 0) {
            entry.put("context_length", caps.context());
        }
    }
}
