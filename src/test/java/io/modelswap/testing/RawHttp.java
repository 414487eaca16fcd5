package io.modelswap.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written byte for byte on a socket, for the requests a client library would refuse, normalise or rewrite
 * (dot segments, encoded slashes, bad chunk sizes, a missing Host, {@code Expect: 100-continue}). Reads one response:
 * status line, headers and, with a {@code Content-Length}, that many bytes of body; otherwise whatever arrives until
 * the server closes the connection or {@code timeoutMillis} passes.
 */
public final class RawHttp {

    /** One response as read from the wire; {@code status} is -1 when the connection closed before a status line. */
    public record Response(int status, Map<String, String> headers, String body, boolean closed) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }
    }

    private RawHttp() {
    }

    /** Sends {@code request} (ISO-8859-1) and reads one response. */
    public static Response exchange(int port, String request, int timeoutMillis) {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), timeoutMillis);
    }

    public static Response exchange(int port, byte[] request, int timeoutMillis) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one response from a connection the caller drives (for interim responses: 100 Continue, 101). */
    public static Response read(InputStream in) throws IOException {
        String statusLine;
        try {
            statusLine = line(in);
        } catch (SocketTimeoutException e) {
            return new Response(-2, Map.of(), "<timeout>", false);
        } catch (IOException e) {
            return new Response(-1, Map.of(), "<" + e.getMessage() + ">", true);
        }
        if (statusLine == null) {
            return new Response(-1, Map.of(), "", true);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        if (status >= 100 && status < 200) {
            return new Response(status, headers, "", false); // an interim response (100, 101) has no body
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean closed = false;
        String length = headers.get("content-length");
        try {
            if (length != null) {
                byte[] bytes = in.readNBytes(Integer.parseInt(length));
                body.write(bytes);
            } else {
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    body.write(buffer, 0, n);
                }
                closed = true;
            }
        } catch (SocketTimeoutException e) {
            // a stream that is still open: what arrived is the body so far
        } catch (IOException e) {
            closed = true;
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8), closed);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b = in.read();
        if (b < 0) {
            return null;
        }
        while (b >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
            b = in.read();
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
