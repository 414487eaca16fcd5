package io.modelswap.peer;

import io.modelswap.config.PeerConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The names the peers of one configuration answer to, by llama-swap's rules ({@code internal/router/peer.go}):
 * {@code peerID/modelID} always; a bare {@code modelID} only when exactly one peer lists it and no peer's FQN is
 * spelled the same. Local models, aliases and selectors shadow bare names because they are resolved first (see
 * {@code Backends} and {@code NameResolver}); the validator refuses an FQN that collides with them. Immutable.
 */
public final class PeerRoutes {

    public static final PeerRoutes NONE = new PeerRoutes(Map.of(), List.of());

    private final Map<String, PeerRoute> byName;
    private final List<PeerRoute> all;

    private PeerRoutes(Map<String, PeerRoute> byName, List<PeerRoute> all) {
        this.byName = byName;
        this.all = all;
    }

    /** The routes of {@code peers} (in the configuration's order). */
    public static PeerRoutes of(Map<String, PeerConfig> peers) {
        Map<String, PeerRoute> byName = new LinkedHashMap<>();
        Map<String, List<PeerRoute>> bare = new LinkedHashMap<>();
        List<PeerRoute> all = new ArrayList<>();
        for (PeerConfig peer : new TreeMap<>(peers).values()) {
            for (String model : peer.models()) {
                PeerRoute route = new PeerRoute(PeerRoute.fqn(peer.id(), model), peer, model);
                if (byName.putIfAbsent(route.fqn(), route) == null) {
                    all.add(route);
                    bare.computeIfAbsent(model, m -> new ArrayList<>()).add(route);
                }
            }
        }
        bare.forEach((model, routes) -> {
            if (routes.size() == 1 && !byName.containsKey(model)) {
                byName.put(model, routes.get(0));
            }
        });
        return new PeerRoutes(Map.copyOf(byName), List.copyOf(all));
    }

    /** The peer model {@code name} (an FQN or a unique bare ID) routes to. */
    public Optional<PeerRoute> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
    }

    /** Every peer model once, by its FQN, in peer-ID order. */
    public Collection<PeerRoute> all() {
        return all;
    }
}
