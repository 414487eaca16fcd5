package io.modelswap.config;

import java.util.List;

/**
 * What a model can do ({@code capabilities:}), rendered into {@code /v1/models}.
 *
 * @param in       input modalities among {@code text}, {@code audio}, {@code image}
 * @param out      output modalities among the same
 * @param tools    function calling
 * @param reranker a reranking model
 * @param context  context length in tokens; 0 = not stated
 */
public record Capabilities(List<String> in, List<String> out, boolean tools, boolean reranker, int context) {

    public static final Capabilities NONE = new Capabilities(List.of(), List.of(), false, false, 0);

    public Capabilities {
        in = List.copyOf(in);
        out = List.copyOf(out);
    }
}
