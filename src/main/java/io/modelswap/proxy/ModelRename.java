package io.modelswap.proxy;

import io.vertx.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Writes another {@code model} into a request that is not JSON (JSON bodies go through {@link RequestRewriter}): the
 * field of a multipart or URL-encoded form, or {@code ?model=} of a query. What a peer requested by its FQN needs (the
 * peer knows the model by its own ID), and a model's {@code useModelName}. Every other byte stays as sent.
 */
final class ModelRename {

    private ModelRename() {
    }

    /** The form body with its {@code model} field set to {@code name}. */
    static Buffer form(String contentType, Buffer body, String name) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).strip();
        if (type.startsWith("multipart/form-data")) {
            return MultipartForm.withField(body, MultipartForm.boundaryOf(contentType), "model", name);
        }
        return Buffer.buffer(pairs(body.toString(StandardCharsets.UTF_8), name));
    }

    /** The raw query (without {@code ?}, may be null) with its {@code model} parameter set to {@code name}. */
    static String query(String rawQuery, String name) {
        return rawQuery == null ? null : pairs(rawQuery, name);
    }

    private static String pairs(String encoded, String name) {
        String[] pairs = encoded.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            int eq = pairs[i].indexOf('=');
            String key = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
            if (key.equals("model")) {
                pairs[i] = "model=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
            }
        }
        return String.join("&", pairs);
    }
}
