package io.modelswap.proxy;

import io.modelswap.http.OpenAiError;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.jboss.logging.Logger;

/** The answer of an upstream that ignored {@code "stream": true}, told inside a loading stream already under way. */
final class NonStreamingAnswer {

    private static final Logger LOG = Logger.getLogger(NonStreamingAnswer.class);
    /** Largest non-streaming answer turned into one event of a loading stream. */
    static final long WHOLE_ANSWER_LIMIT = 8L * 1024 * 1024;

    private NonStreamingAnswer() {
    }

    /**
     * A 200 that is not an event stream (an upstream that ignored {@code "stream": true}) inside a loading stream:
     * its JSON answer becomes one {@code data:} event followed by {@code [DONE]}, never raw bytes in the middle of
     * the event stream; anything else, or an answer over {@link #WHOLE_ANSWER_LIMIT}, becomes an error event.
     */
    static void relayAsEvent(String model, HttpClientResponse upstream, HttpServerResponse response,
            Promise<Void> done) {
        String declared = upstream.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > WHOLE_ANSWER_LIMIT) {
            upstream.request().reset();
            endWith(response, OpenAiError.sseEvent(502, "bad_gateway", "[" + model + "] upstream answered a"
                    + " streaming request with a " + declared + "-byte non-streaming body"), done);
            return;
        }
        Buffer answer = Buffer.buffer();
        upstream.exceptionHandler(e -> endWith(response, OpenAiError.sseEvent(502, "bad_gateway", "[" + model
                + "] upstream answer broke off: " + e.getMessage()), done));
        upstream.handler(chunk -> {
            if (answer.length() + chunk.length() > WHOLE_ANSWER_LIMIT) {
                upstream.request().reset();
                endWith(response, OpenAiError.sseEvent(502, "bad_gateway", "[" + model + "] upstream answered"
                        + " a streaming request with a non-streaming body over " + WHOLE_ANSWER_LIMIT + " bytes"), done);
                return;
            }
            answer.appendBuffer(chunk);
        });
        upstream.endHandler(v -> {
            Object parsed;
            try {
                parsed = Json.decodeValue(answer);
            } catch (DecodeException notJson) {
                parsed = null;
            }
            if (parsed instanceof JsonObject json) {
                endWith(response, "data: " + json.encode() + "\n\ndata: [DONE]\n\n", done);
                return;
            }
            LOG.warnf("[%s] upstream answered a streaming request after a loading stream with a non-JSON,"
                    + " non-event-stream body", model);
            endWith(response, OpenAiError.sseEvent(502, "bad_gateway", "[" + model + "] upstream answered a"
                    + " streaming request with a body that is neither an event stream nor JSON"), done);
        });
    }

    private static void endWith(HttpServerResponse response, String lastEvent, Promise<Void> done) {
        if (!response.closed() && !response.ended()) {
            response.end(lastEvent);
        }
        done.tryComplete();
    }
}
