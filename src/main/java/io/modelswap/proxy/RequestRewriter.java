package io.modelswap.proxy;

import io.modelswap.http.JsonBodies;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufInputStream;
import io.modelswap.backend.ServedModel;
import io.modelswap.config.ModelFilters;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Map;

/**
 * Applies a model's {@code useModelName} and {@code filters} to a JSON body. A model without either gets its body
 * forwarded byte for byte: the body is only re-encoded when something must change.
 */
final class RequestRewriter {

    /** The extraction's parsing rules: a body {@link ModelExtractor} accepted is read here under the same limits. */
    private static final ObjectMapper MAPPER = JsonBodies.MAPPER;

    private RequestRewriter() {
    }

    static boolean needsRewrite(ServedModel model) {
        return model.rewritesBody();
    }

    static Buffer rewriteJson(Buffer body, ServedModel model, String requestedName) {
        try {
            ObjectNode json = (ObjectNode) MAPPER.readTree(new ByteBufInputStream(body.getByteBuf()));
            ModelFilters filters = model.filters();
            for (String key : filters.stripParams()) {
                if (!"model".equals(key)) {
                    json.remove(key);
                }
            }
            put(json, filters.setParams());
            put(json, filters.setParamsByID().getOrDefault(requestedName, Map.of()));
            if (!model.useModelName().isEmpty()) {
                json.put("model", model.useModelName());
            }
            return Buffer.buffer(MAPPER.writeValueAsBytes(json));
        } catch (IOException e) {
            // ModelExtractor has parsed this body under the same rules; a failure here is still the body's, told as such
            throw JsonBodies.badJson(e);
        }
    }

    private static void put(ObjectNode json, Map<String, Object> values) {
        values.forEach((key, value) -> {
            if (!"model".equals(key)) {
                json.set(key, MAPPER.valueToTree(value));
            }
        });
    }

}
