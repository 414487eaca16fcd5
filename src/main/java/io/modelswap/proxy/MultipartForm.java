package io.modelswap.proxy;

import io.modelswap.http.BadRequestException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads one small text field out of a buffered {@code multipart/form-data} body without decoding the (possibly large)
 * file parts: the body is forwarded unchanged, only the {@code model} field is needed here.
 *
 * <p>Time is linear in the body size whatever its content: delimiters are found with Knuth-Morris-Pratt (a naive
 * search is quadratic in the boundary length, and a 10,000-character boundary froze an event loop for a minute), the
 * boundary is at most 70 characters (RFC 2046) and a part's header block at most {@link #MAX_PART_HEADERS} bytes.
 */
final class MultipartForm {

    /** RFC 2046, section 5.1.1: a boundary is 1 to 70 characters. */
    static final int MAX_BOUNDARY_LENGTH = 70;
    /** The header block of one part (Content-Disposition, Content-Type): a few hundred bytes in practice. */
    static final int MAX_PART_HEADERS = 8 * 1024;
    /** Transport padding allowed after a delimiter, before its line break. */
    private static final int MAX_PADDING = 256;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    private MultipartForm() {
    }

    static String boundaryOf(String contentType) {
        for (String part : contentType.split(";")) {
            String trimmed = part.trim();
            if (trimmed.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String boundary = trimmed.substring("boundary=".length());
                if (boundary.length() >= 2 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
                    boundary = boundary.substring(1, boundary.length() - 1);
                }
                if (boundary.isEmpty()) {
                    break;
                }
                if (boundary.length() > MAX_BOUNDARY_LENGTH) {
                    throw new BadRequestException(400, "multipart boundary is " + boundary.length()
                            + " characters long; RFC 2046 allows at most " + MAX_BOUNDARY_LENGTH);
                }
                for (int i = 0; i < boundary.length(); i++) {
                    char c = boundary.charAt(i);
                    if (c < 0x20 || c > 0x7E) {
                        throw new BadRequestException(400, "multipart boundary holds a character that is not"
                                + " printable ASCII");
                    }
                }
                return boundary;
            }
        }
        throw new BadRequestException(400, "multipart/form-data without a boundary");
    }

    /**
     * The value of the text field {@code name} (a part without a file name), or null when the form has none. A file
     * part that happens to be called {@code name} is not a field and is skipped.
     */
    static String field(Buffer body, String boundary, String name) {
        int[] range = fieldRange(body, boundary, name);
        return range == null ? null : body.getByteBuf().toString(range[0], range[1] - range[0],
                StandardCharsets.UTF_8).trim();
    }

    /**
     * The form with the text field {@code name}'s value replaced by {@code value} (llama-swap's {@code useModelName}
     * for multipart bodies); every other byte, file parts included, is kept. The same body when it has no such field.
     */
    static Buffer withField(Buffer body, String boundary, String name, String value) {
        int[] range = fieldRange(body, boundary, name);
        if (range == null) {
            return body;
        }
        int base = body.getByteBuf().readerIndex();
        return Buffer.buffer(body.length() + value.length())
                .appendBuffer(body, 0, range[0] - base)
                .appendString(value, StandardCharsets.UTF_8.name())
                .appendBuffer(body, range[1] - base, body.length() - (range[1] - base));
    }

    /** Where the text field {@code name}'s value lies, as buffer indexes {@code [start, end)}; null without one. */
    private static int[] fieldRange(Buffer body, String boundary, String name) {
        ByteBuf buf = body.getByteBuf();
        int base = buf.readerIndex();
        int end = base + buf.readableBytes();
        byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        Needle delimiter = new Needle(("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII));
        int at;
        if (startsWith(buf, base, end, dashBoundary)) {
            at = base;
        } else {
            int found = delimiter.find(buf, base, end);
            if (found < 0) {
                throw new BadRequestException(400, "malformed multipart body: boundary not found");
            }
            at = found + 2;
        }
        Needle crlf = new Needle(CRLF);
        Needle headerEnd = new Needle(HEADER_END);
        while (true) {
            int afterDelimiter = at + dashBoundary.length;
            if (afterDelimiter + 2 <= end && buf.getByte(afterDelimiter) == '-' && buf.getByte(afterDelimiter + 1) == '-') {
                return null; // the closing delimiter
            }
            int lineEnd = crlf.find(buf, afterDelimiter, Math.min(end, afterDelimiter + MAX_PADDING + 2));
            if (lineEnd < 0) {
                throw new BadRequestException(400, "malformed multipart body: a delimiter line never ends");
            }
            int headersEnd = headerEnd.find(buf, lineEnd, Math.min(end, lineEnd + MAX_PART_HEADERS + 4));
            if (headersEnd < 0) {
                throw new BadRequestException(400, "malformed multipart body: part headers missing their end or"
                        + " longer than " + MAX_PART_HEADERS + " bytes");
            }
            String headers = headersEnd == lineEnd ? ""
                    : buf.toString(lineEnd + 2, headersEnd - lineEnd - 2, StandardCharsets.ISO_8859_1);
            int contentStart = headersEnd + HEADER_END.length;
            int next = delimiter.find(buf, contentStart, end);
            if (next < 0) {
                throw new BadRequestException(400, "malformed multipart body: missing closing boundary");
            }
            if (isField(headers, name)) {
                return new int[] {contentStart, next};
            }
            at = next + 2;
        }
    }

    /** Whether a part's headers say it is the form field {@code name}, not a file. */
    static boolean isField(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
                continue;
            }
            List<String> params = splitParameters(line.substring(colon + 1));
            if (params.isEmpty() || !params.get(0).trim().equalsIgnoreCase("form-data")) {
                return false;
            }
            String fieldName = null;
            for (String param : params.subList(1, params.size())) {
                int eq = param.indexOf('=');
                String key = (eq < 0 ? param : param.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                if (key.equals("filename") || key.equals("filename*")) {
                    return false; // a file part, whatever it is called
                }
                if (key.equals("name") && eq >= 0) {
                    fieldName = unquote(param.substring(eq + 1).trim());
                }
            }
            return name.equals(fieldName);
        }
        return false;
    }

    /** Splits {@code form-data; name="a;b"; filename=x} at the semicolons outside quotes. */
    private static List<String> splitParameters(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted && i + 1 < value.length()) {
                current.append(c).append(value.charAt(++i));
                continue;
            } else if (c == ';' && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return value;
    }

    private static boolean startsWith(ByteBuf buf, int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf.getByte(from + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** A byte string to find, with its Knuth-Morris-Pratt failure table: each search is linear in the bytes read. */
    static final class Needle {
        private final byte[] bytes;
        private final int[] failure;

        Needle(byte[] bytes) {
            this.bytes = bytes;
            this.failure = new int[bytes.length];
            int k = 0;
            for (int i = 1; i < bytes.length; i++) {
                while (k > 0 && bytes[i] != bytes[k]) {
                    k = failure[k - 1];
                }
                if (bytes[i] == bytes[k]) {
                    k++;
                }
                failure[i] = k;
            }
        }

        /** The index of the first occurrence in {@code [from, to)}, or -1. */
        int find(ByteBuf buf, int from, int to) {
            if (to - from < bytes.length) {
                return -1;
            }
            int[] matched = {0};
            int last = buf.forEachByte(from, to - from, (ByteProcessor) b -> {
                int k = matched[0];
                while (k > 0 && b != bytes[k]) {
                    k = failure[k - 1];
                }
                if (b == bytes[k]) {
                    k++;
                }
                matched[0] = k;
                return k < bytes.length; // false stops the walk at the last byte of a match
            });
            return last < 0 ? -1 : last - bytes.length + 1;
        }
    }
}
