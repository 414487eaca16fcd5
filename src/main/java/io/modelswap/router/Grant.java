package io.modelswap.router;

import io.modelswap.config.ModelConfig;

/**
 * Permission to send one request to a ready model. The holder must call {@link Router#serveDone} exactly once when
 * its request is finished, whatever happened to the client, so that the model's in-flight count is right.
 *
 * @param model the definition of the running process the request goes to
 */
public record Grant(ModelConfig model) {
}
