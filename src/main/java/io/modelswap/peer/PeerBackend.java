package io.modelswap.peer;

import io.modelswap.backend.Acquisition;
import io.modelswap.backend.ModelBackend;
import io.modelswap.backend.ServedModel;
import io.modelswap.backend.Upstream;
import io.modelswap.config.PeerConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models of the configured {@code peers}: remote servers (another modelswap or llama-swap, OpenRouter, any
 * OpenAI-compatible endpoint) that modelswap forwards to as they are. A peer never swaps and is not in the
 * scheduler's queue: its lease is granted at once, and the request goes to the peer's base URL with the request path
 * appended. Resolved after the local backend, so a local model or alias always wins over a bare peer name.
 */
@ApplicationScoped
public class PeerBackend implements ModelBackend {

    public static final String KIND = "peer";

    /**
     * The connections kept per peer: a peer admits what it admits (it queues and answers 429 itself), so the pool is
     * sized for many concurrent streams rather than a local model's limit (llama-swap keeps 100 idle ones).
     */
    static final int POOL_SIZE = 100;

    /** Request headers that carry the client's credentials: never sent to a peer, whatever it is. */
    static final Set<String> CLIENT_CREDENTIALS = Set.of("authorization", "x-api-key", "cookie");

    private final Router router;
    /** The routes of the last configuration seen, recomputed when the snapshot changes. */
    private volatile Cached cached = new Cached(null, PeerRoutes.NONE);

    private record Cached(SwapConfig config, PeerRoutes routes) {
    }

    public PeerBackend(Router router) {
        this.router = router;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** The peer routes of the configuration in force. */
    public PeerRoutes routes() {
        RouterView view = router.view();
        if (view == null) {
            return PeerRoutes.NONE;
        }
        Cached current = cached;
        if (current.config() != view.config()) {
            current = new Cached(view.config(), PeerRoutes.of(view.config().peers()));
            cached = current;
        }
        return current.routes();
    }

    @Override
    public Optional<ServedModel> find(String name) {
        return routes().find(name).map(route -> served(route, name));
    }

    /**
     * The peer model as requested by {@code name}: with its FQN the {@code model} sent upstream is rewritten to the
     * peer's own ID; with the bare ID it already is. The peer's filters apply; {@code useModelName} is a local key.
     */
    private ServedModel served(PeerRoute route, String name) {
        return new ServedModel(this, route.fqn(), name.equals(route.peerModel()) ? "" : route.peerModel(),
                route.peer().filters(), false);
    }

    @Override
    public Acquisition acquire(ServedModel model) {
        PeerRoute route = routes().find(model.id()).orElse(null);
        if (route == null) {
            return PeerAcquisition.failed(model, "peer model " + model.id() + " was removed from the configuration");
        }
        return PeerAcquisition.granted(model, upstreamOf(route));
    }

    /** A peer routes {@code /upstream/} paths itself: the path names the model by the peer's own ID. */
    @Override
    public String upstreamPrefix(ServedModel model, String name) {
        String peerModel = model.useModelName().isEmpty() ? name : model.useModelName();
        return "/upstream/" + URLEncoder.encode(peerModel, StandardCharsets.UTF_8).replace("+", "%20")
                .replace("%2F", "/");
    }

    /** A peer is always as ready as it will be: there is nothing to load here. */
    @Override
    public boolean looksReady(ServedModel model) {
        return true;
    }

    static Upstream upstreamOf(PeerRoute route) {
        PeerConfig peer = route.peer();
        Map<String, String> headers = new LinkedHashMap<>();
        if (!peer.apiKey().isEmpty()) {
            headers.put("Authorization", "Bearer " + peer.apiKey());
            headers.put("x-api-key", peer.apiKey());
        }
        return new Upstream(KIND, route.fqn(), route.peerModel(), peer.proxy(), URI.create(peer.proxy()),
                peer.timeouts(), POOL_SIZE, headers, CLIENT_CREDENTIALS);
    }
}
