package io.modelswap.selector;

import io.modelswap.config.ModelConfig;
import io.modelswap.config.ProfileConfig;
import io.modelswap.config.SelectorConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.process.ProcessState;
import io.modelswap.process.ProcessView;
import io.modelswap.router.RouterView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The selectors and the active profile's pins as {@code /v1/models} lists them (llama-swap's shape). A selector is
 * {@code loaded} when a local target is ready or starting ({@code pin}: only its first target counts); a pin is listed
 * under its own name when it points somewhere and does not shadow a model ID or alias.
 */
public final class SelectorListing {

    private SelectorListing() {
    }

    public static List<Map<String, Object>> entries(RouterView view, Optional<ProfileConfig> profile, long created) {
        List<Map<String, Object>> entries = new ArrayList<>();
        SwapConfig config = view.config();
        for (SelectorConfig selector : config.selectors().values()) {
            if (selector.unlisted()) {
                continue;
            }
            Map<String, Object> llamaswap = new LinkedHashMap<>(selector.metadata());
            llamaswap.put("type", "selector");
            llamaswap.put("strategy", selector.strategy());
            llamaswap.put("targets", selector.targets());
            if (selector.strategy().equals("spillover")) {
                llamaswap.put("spillover", selector.spillover());
            }
            entries.add(entry(selector.id(), selector.name(), selector.description(), loaded(view, selector),
                    llamaswap, created));
        }
        if (profile.isPresent()) {
            Set<String> shadowed = new HashSet<>();
            for (ModelConfig model : config.models().values()) {
                shadowed.add(model.id());
                shadowed.addAll(model.aliases());
            }
            profile.get().pins().forEach((pin, target) -> {
                if (!target.isEmpty() && !shadowed.contains(pin)) {
                    Map<String, Object> llamaswap = new LinkedHashMap<>();
                    llamaswap.put("type", "profile");
                    llamaswap.put("profile", profile.get().name());
                    llamaswap.put("target", target);
                    entries.add(entry(pin, "", "", false, llamaswap, created));
                }
            });
        }
        return entries;
    }

    private static boolean loaded(RouterView view, SelectorConfig selector) {
        for (String target : selector.targets()) {
            Optional<ModelConfig> local = view.config().resolve(target);
            ProcessView process = local.map(m -> view.processes().get(m.id())).orElse(null);
            ProcessState state = process == null ? ProcessState.STOPPED : process.state();
            if (state == ProcessState.READY || state == ProcessState.STARTING) {
                return true;
            }
            if (selector.strategy().equals("pin")) {
                return false;
            }
        }
        return false;
    }

    private static Map<String, Object> entry(String id, String name, String description, boolean loaded,
            Map<String, Object> llamaswap, long created) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", id);
        entry.put("object", "model");
        entry.put("created", created);
        entry.put("owned_by", "llama-swap");
        if (!name.isEmpty()) {
            entry.put("name", name);
        }
        if (!description.isEmpty()) {
            entry.put("description", description);
        }
        entry.put("meta", Map.of("llamaswap", llamaswap));
        entry.put("status", Map.of("value", loaded ? "loaded" : "unloaded"));
        return entry;
    }
}
