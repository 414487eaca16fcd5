package io.modelswap.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one set of JSON parsing rules for request bodies, shared by the model extraction and the body rewriter so that a
 * body the one accepts the other can read, and the one way their failures are told to a client: what is wrong and
 * where ({@code line 1, column 34: expected ']'}), never the parser's internals.
 */
public final class JsonBodies {

    /** Deepest nesting accepted (Jackson's default). */
    static final int MAX_NESTING_DEPTH = 1000;
    /** Longest number accepted, in characters (Jackson's default). */
    static final int MAX_NUMBER_LENGTH = 1000;

    /**
     * Strings are not limited beyond the body size ({@code modelswap.proxy.max-body-size}): a base64 image or audio
     * clip in one JSON string is an ordinary request, and Jackson's default of 20 M characters would refuse it.
     */
    static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxStringLength(Integer.MAX_VALUE)
            .build();

    public static final JsonFactory FACTORY = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
    public static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");
    private static final Pattern LEFTOVER_SOURCE = Pattern.compile("\\s*\\[Source:[^\\]]*\\]");

    private JsonBodies() {
    }

    /**
     * A parser over {@code body}'s bytes: over its backing array where it has one (a body that arrived in one chunk,
     * the usual case), so nothing is copied; through a stream over its chunks otherwise.
     */
    public static JsonParser parserOf(Buffer body) throws IOException {
        ByteBuf bytes = body.getByteBuf();
        if (bytes.hasArray()) {
            return FACTORY.createParser(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(),
                    bytes.readableBytes());
        }
        return FACTORY.createParser((InputStream) new ByteBufInputStream(bytes));
    }

    /** A small body as plain Java values (maps, lists, strings, numbers); a 400 when it is not JSON. */
    public static Object parse(Buffer body) {
        try (InputStream in = new ByteBufInputStream(body.getByteBuf())) {
            return MAPPER.readValue(in, Object.class);
        } catch (IOException e) {
            throw badJson(e);
        }
    }

    /** A client-facing 400 for a body Jackson could not read. */
    public static BadRequestException badJson(IOException e) {
        return new BadRequestException(400, describe(e));
    }

    /** What went wrong and where, in words a person can act on. */
    public static String describe(IOException e) {
        if (e instanceof StreamConstraintsException limit) {
            return "request body exceeds a JSON limit: " + limitMessage(limit.getOriginalMessage());
        }
        String where = "";
        String what = e.getMessage();
        if (e instanceof JsonProcessingException json) {
            what = json.getOriginalMessage();
            JsonLocation location = json.getLocation();
            if (location != null && location.getLineNr() > 0) {
                where = " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            }
        } else if (e instanceof java.io.CharConversionException) {
            return "request body is not valid UTF-8: " + clean(what);
        }
        return "malformed JSON" + where + ": " + clean(what);
    }

    private static String limitMessage(String message) {
        String text = message == null ? "" : message;
        if (text.contains("nesting depth")) {
            return "nested deeper than " + MAX_NESTING_DEPTH + " levels";
        }
        if (text.contains("Number value length")) {
            return "a number longer than " + MAX_NUMBER_LENGTH + " characters";
        }
        if (text.contains("String value length")) {
            return "a string too long";
        }
        return clean(text);
    }

    /** Replaces Jackson's {@code [Source: REDACTED ...; line: 1, column: 29]} with {@code line 1, column 29}. */
    static String clean(String message) {
        if (message == null) {
            return "unreadable body";
        }
        Matcher source = SOURCE.matcher(message);
        String text = source.replaceAll("line $1, column $2");
        return LEFTOVER_SOURCE.matcher(text).replaceAll("").strip();
    }
}
