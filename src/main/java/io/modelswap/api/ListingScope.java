package io.modelswap.api;

import io.modelswap.config.AccessKey;
import io.modelswap.config.ModelConfig;
import io.modelswap.config.SwapConfig;
import java.util.List;
import java.util.Map;

/**
 * What a scoped API key sees of {@code /v1/models}: the entries it may use, by the same rule the proxy applies to a
 * request ({@link AccessKey#allows} on the model a name reaches). A model or alias entry counts by its model's ID, a
 * peer's by its FQN, a selector when the key may use one of its targets, a profile's pin when it may use the pin's
 * target. A full-access key sees everything.
 */
final class ListingScope {

    private ListingScope() {
    }

    @SuppressWarnings("unchecked")
    static void keepAllowed(Map<String, Object> list, AccessKey key, SwapConfig config) {
        if (key.allModels()) {
            return;
        }
        List<Map<String, Object>> data = (List<Map<String, Object>>) list.get("data");
        data.removeIf(entry -> !allowed(entry, key, config));
    }

    @SuppressWarnings("unchecked")
    private static boolean allowed(Map<String, Object> entry, AccessKey key, SwapConfig config) {
        Map<String, Object> meta = (Map<String, Object>) entry.get("meta");
        Map<String, Object> llamaswap = meta == null ? Map.of() : (Map<String, Object>) meta.get("llamaswap");
        Object type = llamaswap.get("type");
        if ("alias".equals(type)) {
            return key.allows(String.valueOf(llamaswap.get("modelID")));
        }
        if ("selector".equals(type) && llamaswap.get("targets") instanceof List<?> targets) {
            return targets.stream().anyMatch(target -> reaches(String.valueOf(target), key, config));
        }
        if ("profile".equals(type)) {
            return reaches(String.valueOf(llamaswap.get("target")), key, config);
        }
        return key.allows(String.valueOf(entry.get("id")));
    }

    /** Whether the key may use what {@code name} names: a local model (by ID or alias), else a peer's name. */
    private static boolean reaches(String name, AccessKey key, SwapConfig config) {
        return key.allows(config.resolve(name).map(ModelConfig::id).orElse(name));
    }
}
