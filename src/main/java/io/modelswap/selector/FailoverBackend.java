package io.modelswap.selector;

import io.modelswap.backend.Acquisition;
import io.modelswap.backend.ModelBackend;
import io.modelswap.backend.ServedModel;
import java.util.Optional;

/**
 * One request's view of a {@code failover} selector: its targets, in the order to try them, each as its own backend
 * serves it. Not a bean: {@link ModelResolver} makes one per request, so nothing resolves a name through it.
 */
final class FailoverBackend implements ModelBackend {

    private final FailoverAcquisition.Chain chain;

    FailoverBackend(FailoverAcquisition.Chain chain) {
        this.chain = chain;
    }

    @Override
    public String kind() {
        return "selector";
    }

    @Override
    public Optional<ServedModel> find(String name) {
        return Optional.empty();
    }

    @Override
    public Acquisition acquire(ServedModel model) {
        return new FailoverAcquisition(chain, model, 0, new FailoverAcquisition.Listeners());
    }

    /** What the first candidate looks like: the one tried first decides whether a loading stream is shown. */
    @Override
    public boolean looksReady(ServedModel model) {
        ServedModel first = chain.candidates().get(0);
        return first.backend().looksReady(first);
    }
}
