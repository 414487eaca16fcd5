package io.modelswap.selector;

import io.modelswap.backend.ServedModel;

/**
 * What a requested name comes to once the active profile's pins and the selectors have had their say.
 *
 * @param model   the model to acquire; its {@code useModelName} is the target's name when the request named something
 *                else (a pin or a selector), so the body sent upstream names what serves it
 * @param name    the name the request is served under after pins and selectors (a model ID, alias or peer name)
 * @param release gives back what choosing took (a spillover selector's count of requests in flight); call exactly
 *                once when the request is over, however it ended
 */
public record Resolution(ServedModel model, String name, Runnable release) {
}
