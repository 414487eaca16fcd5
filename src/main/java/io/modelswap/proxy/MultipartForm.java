package io.modelswap.proxy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads one small text field out of a buffered {@code multipart/form-data} body without decoding the (possibly large)
 * file parts: the body is forwarded unchanged, only the {@code model} field is needed here.
 */
final class MultipartForm {

    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

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
                if (!boundary.isEmpty()) {
                    return boundary;
                }
            }
        }
        throw new BadRequestException(400, "multipart/form-data without a boundary");
    }

    /** The value of the text field {@code name}, or null when the form has none. */
    static String field(Buffer body, String boundary, String name) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int headersStart = at + delimiter.length;
            if (headersStart + 2 <= body.length() && body.getByte(headersStart) == '-'
                    && body.getByte(headersStart + 1) == '-') {
                return null; // closing delimiter
            }
            int headersEnd = indexOf(body, HEADER_END, headersStart);
            if (headersEnd < 0) {
                throw new BadRequestException(400, "malformed multipart body: part headers never end");
            }
            String headers = body.getString(headersStart, headersEnd, "ISO-8859-1");
            int contentStart = headersEnd + HEADER_END.length;
            int next = indexOf(body, delimiter, contentStart);
            if (next < 0) {
                throw new BadRequestException(400, "malformed multipart body: missing closing boundary");
            }
            if (isField(headers, name)) {
                int contentEnd = next - 2; // the CRLF before the delimiter belongs to the delimiter
                return body.getString(contentStart, Math.max(contentStart, contentEnd), "UTF-8").trim();
            }
            at = next;
        }
        throw new BadRequestException(400, "malformed multipart body: boundary not found");
    }

    private static boolean isField(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-disposition:") && lower.contains("form-data")
                    && (line.contains("name=\"" + name + "\"") || line.matches("(?i).*;\\s*name=" + name + "(;.*)?"))) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(Buffer haystack, byte[] needle, int from) {
        int last = haystack.length() - needle.length;
        outer:
        for (int i = Math.max(0, from); i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
