package io.modelswap.peer;

import io.modelswap.config.PeerConfig;

/**
 * One model of one peer, as a name routes to it.
 *
 * @param fqn       {@code peerID/modelID}: always routable, and the name activity and listings show
 * @param peer      the peer that serves it
 * @param peerModel the model's ID on the peer, the name sent to it
 */
public record PeerRoute(String fqn, PeerConfig peer, String peerModel) {

    /** The name a peer model is always reachable by. */
    public static String fqn(String peerId, String modelId) {
        return peerId + "/" + modelId;
    }
}
