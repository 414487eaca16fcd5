package io.modelswap.backend;

import java.util.Optional;

/**
 * Something that serves models, behind the one seam between the HTTP side and whatever runs a model: the local
 * processes ({@code LocalBackend}), later another modelswap or any OpenAI-compatible endpoint (a peer backend).
 * llama-swap's {@code Router} interface with {@code Handles(model)}, and its {@code Peer} sibling, are the shape.
 *
 * <p>The HTTP side finds a name's model with {@link #find}, asks for it with {@link #acquire}, waits for the
 * {@link Acquisition}'s lease, talks to the lease's {@link Upstream}, and releases the lease exactly once. It never
 * sees how a backend decides (a run loop, a swap, a remote call).
 */
public interface ModelBackend {

    /** What this backend is, as activity and the UI show it: {@code local}, {@code peer}. */
    String kind();

    /** Whether this backend has what it needs to answer (the local one: its configuration is loaded). */
    default boolean ready() {
        return true;
    }

    /** The model {@code name} (an ID, an alias, ...) means here, if this backend serves it. */
    Optional<ServedModel> find(String name);

    /** Whether this backend serves {@code name}. */
    default boolean serves(String name) {
        return find(name).isPresent();
    }

    /** Asks for {@code model} (one this backend found); the acquisition says when it is admitted and when ready. */
    Acquisition acquire(ServedModel model);

    /**
     * The path an {@code /upstream/<name>/<rest>} request for {@code model} (requested as {@code name}) keeps in front
     * of {@code <rest>} when forwarded: nothing for a server that serves the model at its root (a local process); a
     * peer, which routes {@code /upstream/} paths itself, gets {@code /upstream/<its own ID>}.
     */
    default String upstreamPrefix(ServedModel model, String name) {
        return "";
    }

    /**
     * Like {@link #acquire(ServedModel)}, with {@code priority} added to the model's queue priority (the priority of
     * the request's API key); a backend without a queue ignores it.
     */
    default Acquisition acquire(ServedModel model, int priority) {
        return acquire(model);
    }

    /**
     * Whether {@code model} could be used at once: advisory, read for display only (it chooses what a waiting client
     * sees, a loading stream or nothing), never to decide anything the backend itself decides.
     */
    boolean looksReady(ServedModel model);

    /**
     * Whether a request for {@code upstreamPath} (the path under {@code /upstream/<model>}) may start {@code model}:
     * llama-swap's {@code upstream.ignorePaths} name paths (a UI's assets, its polling endpoints) that never do, and are
     * refused with 409 while the model is not ready. Backends that never start anything say yes.
     */
    default boolean mayStartFor(ServedModel model, String upstreamPath) {
        return true;
    }

    /**
     * Whether websocket connections to {@code model} bypass the backend's accounting (llama-swap's
     * {@code compat.ignoreWebsockets}): they neither start the model nor count as in flight or as activity for its TTL.
     */
    default boolean ignoresWebsockets(ServedModel model) {
        return false;
    }

    /**
     * The upstream of {@code model} if it looks ready, for a connection that bypasses the backend
     * ({@link #ignoresWebsockets}): an advisory read, as in llama-swap; the model may stop under such a connection, which
     * then ends.
     */
    default java.util.Optional<Upstream> readyUpstream(ServedModel model) {
        return java.util.Optional.empty();
    }
}
