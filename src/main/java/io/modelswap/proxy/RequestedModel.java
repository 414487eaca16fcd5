package io.modelswap.proxy;

/**
 * What a request asks for, as read from its body, form or query.
 *
 * @param name   the requested model name (an ID or an alias), as the client wrote it
 * @param stream whether the client asked for a streamed answer ({@code "stream": true} or {@code ?stream=true})
 * @param json   whether the body was read as a JSON object (whatever its {@code Content-Type} said), so that a
 *               model's {@code filters} and {@code useModelName} can rewrite it
 */
public record RequestedModel(String name, boolean stream, boolean json) {
}
