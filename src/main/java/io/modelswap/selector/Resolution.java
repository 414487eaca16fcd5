package io.modelswap.selector;

import io.modelswap.backend.ServedModel;
import java.util.List;

/**
 * What a requested name comes to once the active profile's pins and the selectors have had their say.
 *
 * @param model   the model to acquire; its {@code useModelName} is the target's name when the request named something
 *                else (a pin or a selector), so the body sent upstream names what serves it
 * @param name    the name the request is served under after pins and selectors (a model ID, alias or peer name)
 * @param release gives back what choosing took (a spillover selector's count of requests in flight); call exactly
 *                once when the request is over, however it ended
 * @param reach   every model the request may be served by, by ID (a local model's ID, a peer's FQN): the model itself,
 *                or each target of the selector that chose it (whichever it chose, or would choose next time), which
 *                is what a scoped API key is checked against
 */
public record Resolution(ServedModel model, String name, Runnable release, List<String> reach) {

    public Resolution {
        reach = List.copyOf(reach);
    }

    /** A name that can only reach {@code model}. */
    public Resolution(ServedModel model, String name, Runnable release) {
        this(model, name, release, List.of(model.id()));
    }
}
