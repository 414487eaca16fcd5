package io.modelswap.proxy;

import io.modelswap.backend.ServedModel;
import io.vertx.core.buffer.Buffer;

/**
 * The request as another target needs it (a failover selector's next candidate): the upstream path with its query and
 * the body, with that target's {@code model} name and filters applied to what the client sent.
 */
interface Reshape {

    /** The path and body for {@code target}; null when the request is already shaped for it. */
    Shaped forTarget(ServedModel target);

    /** A path (query included) and a body (null: piped through). */
    record Shaped(String uri, Buffer body) {
    }

    /** For requests that are never reshaped. */
    Reshape NONE = target -> null;
}
