package io.modelswap.peer;

import io.modelswap.config.SwapConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peers' models as {@code /v1/models} lists them (llama-swap's shape): one entry per FQN, named
 * {@code "peerID: modelID"}, typed {@code peer} with its {@code peerID}, and always {@code unloaded} (what a peer has
 * loaded is its own business, and asking it would make the listing wait on the network).
 */
public final class PeerListing {

    private PeerListing() {
    }

    public static List<Map<String, Object>> entries(SwapConfig config, long created) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (PeerRoute route : PeerRoutes.of(config.peers()).all()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", route.fqn());
            entry.put("object", "model");
            entry.put("created", created);
            entry.put("owned_by", "llama-swap");
            entry.put("name", route.peer().id() + ": " + route.peerModel());
            Map<String, Object> llamaswap = new LinkedHashMap<>();
            llamaswap.put("type", "peer");
            llamaswap.put("peerID", route.peer().id());
            entry.put("meta", Map.of("llamaswap", llamaswap));
            entry.put("status", Map.of("value", "unloaded", "state", "peer"));
            entries.add(entry);
        }
        return entries;
    }
}
