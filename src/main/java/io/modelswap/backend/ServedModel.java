package io.modelswap.backend;

import io.modelswap.config.ModelFilters;
import java.util.Objects;

/**
 * A model a backend serves, as the HTTP side needs to know it before asking for it: enough to shape the request
 * (the body rewrite a model asks for) and to choose what a waiting client sees.
 *
 * @param backend          the backend that serves it, the one to {@link ModelBackend#acquire} it from
 * @param id               its ID (aliases resolved), the name activity and metrics show
 * @param useModelName     the {@code model} written into the body sent upstream; empty: unchanged
 * @param filters          parameters stripped and set in the body sent upstream
 * @param sendLoadingState whether a streaming chat request waiting for it gets a loading stream
 */
public record ServedModel(ModelBackend backend, String id, String useModelName, ModelFilters filters,
        boolean sendLoadingState) {

    public ServedModel {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(filters, "filters");
    }

    /** Whether the request body must be rewritten for it. */
    public boolean rewritesBody() {
        return !useModelName.isEmpty() || !filters.isEmpty();
    }

    /** Asks its backend for it. */
    public Acquisition acquire() {
        return backend.acquire(this);
    }

    /** Asks its backend for it, queued with {@code priority} added to the model's (see {@link ModelBackend}). */
    public Acquisition acquire(int priority) {
        return priority == 0 ? backend.acquire(this) : backend.acquire(this, priority);
    }
}
