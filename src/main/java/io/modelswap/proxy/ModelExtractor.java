package io.modelswap.proxy;

import io.modelswap.http.BadRequestException;
import io.modelswap.http.JsonBodies;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Finds the requested model in a request, the way llama-swap does: the top-level {@code model} of a JSON body, the
 * {@code model} field of a multipart or URL-encoded form, or {@code ?model=} on GET requests. The JSON body is parsed
 * completely, with a streaming parser, so that malformed JSON and invalid UTF-8 are refused here with a 400 instead of
 * reaching an upstream that is started for nothing.
 *
 * <p>A body that is a JSON object is read as JSON whatever its {@code Content-Type} says (none, {@code text/plain},
 * or curl's default {@code application/x-www-form-urlencoded} for {@code -d}), as llama-swap reads the raw body; only
 * multipart bodies are always read as forms. Time is linear in the body size; nothing is built but the model's name
 * (the parser reads the body's bytes where they lie, decodes no string but {@code model}, and keeps no tree): about
 * 1 ms per MiB of JSON here (docs/benchmarks.md).
 */
public final class ModelExtractor {

    private ModelExtractor() {
    }

    /** The model of a request with a body, chosen by its content and content type. */
    public static RequestedModel fromBody(String contentType, Buffer body) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).strip();
        if (type.startsWith("multipart/form-data")) {
            String boundary = MultipartForm.boundaryOf(contentType);
            return required(MultipartForm.field(body, boundary, "model"), false, false);
        }
        if (type.startsWith("application/json") || type.contains("+json") || looksLikeJsonObject(body)) {
            return fromJson(body);
        }
        if (type.startsWith("application/x-www-form-urlencoded")) {
            return fromUrlEncoded(body.toString(StandardCharsets.UTF_8));
        }
        throw new BadRequestException(415, "unsupported content type '" + contentType
                + "': send a JSON object (any content type), multipart/form-data or application/x-www-form-urlencoded");
    }

    /** The model of a GET request: {@code ?model=}. */
    public static RequestedModel fromQuery(MultiMap params) {
        return required(params.get("model"), "true".equalsIgnoreCase(params.get("stream")), false);
    }

    /** Whether the first byte that is not white space (or a UTF-8 byte-order mark) opens a JSON object. */
    static boolean looksLikeJsonObject(Buffer body) {
        int length = body.length();
        int i = 0;
        if (length >= 3 && body.getByte(0) == (byte) 0xEF && body.getByte(1) == (byte) 0xBB
                && body.getByte(2) == (byte) 0xBF) {
            i = 3;
        }
        for (; i < length; i++) {
            byte b = body.getByte(i);
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{';
            }
        }
        return false;
    }

    static RequestedModel fromJson(Buffer body) {
        String model = null;
        boolean seenModel = false;
        boolean stream = false;
        boolean modelIsString = true;
        try (JsonParser parser = JsonBodies.parserOf(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new BadRequestException(400, "empty request body: a JSON object with \"model\" is required");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new BadRequestException(400, "request body must be a JSON object");
            }
            int depth = 1;
            while (depth > 0) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    throw new BadRequestException(400, "malformed JSON: unexpected end of input");
                }
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        if (depth == 1) {
                            String field = parser.currentName();
                            JsonToken value = parser.nextToken();
                            if ("model".equals(field)) {
                                if (seenModel) {
                                    // last-wins here and first-wins upstream would route to one model and serve another
                                    throw new BadRequestException(400, "duplicate \"model\" key in the JSON body");
                                }
                                seenModel = true;
                                modelIsString = value == JsonToken.VALUE_STRING;
                                model = modelIsString ? parser.getText() : null;
                            } else if ("stream".equals(field)) {
                                stream = value == JsonToken.VALUE_TRUE;
                            }
                            if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                                depth++;
                            }
                        }
                    }
                    default -> {
                        // values below the top level: the parser has validated them, nothing to keep
                    }
                }
            }
            if (parser.nextToken() != null) {
                throw new BadRequestException(400, "malformed JSON: trailing data after the object");
            }
        } catch (IOException e) {
            // JsonParseException, StreamConstraintsException (depth, number length), CharConversionException (UTF-8)
            throw JsonBodies.badJson(e);
        }
        if (!modelIsString) {
            throw new BadRequestException(400, "\"model\" must be a string");
        }
        return required(model, stream, true);
    }

    private static RequestedModel fromUrlEncoded(String form) {
        String model = null;
        boolean stream = false;
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = decodeFormPart(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decodeFormPart(pair.substring(eq + 1));
            if (key.equals("model")) {
                model = value;
            } else if (key.equals("stream")) {
                stream = "true".equalsIgnoreCase(value);
            }
        }
        return required(model, stream, false);
    }

    private static String decodeFormPart(String part) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(400, "invalid percent-encoding in the form body: '"
                    + (part.length() > 40 ? part.substring(0, 40) + "..." : part) + "'");
        }
    }

    private static RequestedModel required(String model, boolean stream, boolean json) {
        if (model == null || model.isBlank()) {
            throw new BadRequestException(400, "no model id could be identified in the request: set \"model\"");
        }
        return new RequestedModel(model, stream, json);
    }
}
