package io.modelswap.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.config.ModelFilters;
import io.modelswap.config.PeerConfig;
import io.modelswap.config.UpstreamTimeouts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** llama-swap's peer naming rules ({@code peer_test.go}). */
class PeerRoutesTest {

    private static PeerConfig peer(String id, String... models) {
        return new PeerConfig(id, "http://127.0.0.1:1", "", List.of(models), ModelFilters.NONE,
                UpstreamTimeouts.DEFAULTS);
    }

    @Test
    void fqnsAlwaysRouteBareNamesOnlyWhenOnePeerListsThem() {
        PeerRoutes routes = PeerRoutes.of(Map.of("a", peer("a", "x", "shared"), "b", peer("b", "y", "shared")));
        assertEquals("x", routes.find("a/x").orElseThrow().peerModel());
        assertEquals("a/x", routes.find("x").orElseThrow().fqn());
        assertEquals("b/shared", routes.find("b/shared").orElseThrow().fqn());
        assertTrue(routes.find("shared").isEmpty(), "listed by two peers: only by its FQNs");
        assertEquals(List.of("a/shared", "a/x", "b/shared", "b/y"),
                routes.all().stream().map(PeerRoute::fqn).sorted().toList());
    }

    @Test
    void aBareNameSpelledLikeAnFqnIsNotShadowed() {
        // peer "a" lists "b/y": the bare name "b/y" would be b's FQN, which wins
        PeerRoutes routes = PeerRoutes.of(Map.of("a", peer("a", "b/y"), "b", peer("b", "y")));
        assertEquals("b", routes.find("b/y").orElseThrow().peer().id());
        assertEquals("a", routes.find("a/b/y").orElseThrow().peer().id());
    }
}
