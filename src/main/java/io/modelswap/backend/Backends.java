package io.modelswap.backend;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Every backend, in the order names are resolved: a name is the first backend's that serves it, so local models win
 * over a peer's (llama-swap's rule). The HTTP side resolves and acquires through here.
 */
@ApplicationScoped
public class Backends {

    private final List<ModelBackend> backends;

    public Backends(@Any Instance<ModelBackend> backends) {
        this.backends = backends.stream().sorted(Comparator.comparing(b -> !b.kind().equals("local"))).toList();
    }

    /** Whether every backend can answer (the local one: a configuration is loaded). */
    public boolean ready() {
        return backends.stream().allMatch(ModelBackend::ready);
    }

    /** The model {@code name} means, from the first backend that serves it. */
    public Optional<ServedModel> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (ModelBackend backend : backends) {
            Optional<ServedModel> found = backend.find(name);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}
