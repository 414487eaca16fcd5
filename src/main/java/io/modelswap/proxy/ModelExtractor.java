package io.modelswap.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Finds the requested model in a request, the way llama-swap does: the top-level {@code model} of a JSON body, the
 * {@code model} field of a multipart or URL-encoded form, or {@code ?model=} on GET requests. The JSON body is parsed
 * completely, with a streaming parser, so that malformed JSON and invalid UTF-8 are refused here with a 400 instead of
 * reaching an upstream that is started for nothing.
 */
public final class ModelExtractor {

    private static final JsonFactory JSON = new JsonFactory();

    private ModelExtractor() {
    }

    /** The model of a request with a body, chosen by its content type. */
    public static RequestedModel fromBody(String contentType, Buffer body) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json") || type.endsWith("+json")) {
            return fromJson(body);
        }
        if (type.startsWith("multipart/form-data")) {
            String boundary = MultipartForm.boundaryOf(contentType);
            return required(MultipartForm.field(body, boundary, "model"), false);
        }
        if (type.startsWith("application/x-www-form-urlencoded")) {
            return fromUrlEncoded(body.toString(StandardCharsets.UTF_8));
        }
        throw new BadRequestException(415, "unsupported content type '" + contentType
                + "': send application/json, multipart/form-data or application/x-www-form-urlencoded");
    }

    /** The model of a GET request: {@code ?model=}. */
    public static RequestedModel fromQuery(MultiMap params) {
        return required(params.get("model"), "true".equalsIgnoreCase(params.get("stream")));
    }

    static RequestedModel fromJson(Buffer body) {
        String model = null;
        boolean stream = false;
        boolean modelIsString = true;
        try (JsonParser parser = JSON.createParser((java.io.InputStream) new ByteBufInputStream(body.getByteBuf()))) {
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
        } catch (JsonParseException e) {
            throw new BadRequestException(400, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // CharConversionException (invalid UTF-8) and other decoding failures of a buffer in memory
            throw new BadRequestException(400, "request body is not valid UTF-8 JSON: " + e.getMessage());
        }
        if (!modelIsString) {
            throw new BadRequestException(400, "\"model\" must be a string");
        }
        return required(model, stream);
    }

    private static RequestedModel fromUrlEncoded(String form) {
        String model = null;
        boolean stream = false;
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (key.equals("model")) {
                model = value;
            } else if (key.equals("stream")) {
                stream = "true".equalsIgnoreCase(value);
            }
        }
        return required(model, stream);
    }

    private static RequestedModel required(String model, boolean stream) {
        if (model == null || model.isBlank()) {
            throw new BadRequestException(400, "no model id could be identified in the request: set \"model\"");
        }
        return new RequestedModel(model, stream);
    }
}
