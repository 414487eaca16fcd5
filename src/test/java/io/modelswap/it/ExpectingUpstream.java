package io.modelswap.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An upstream on a raw socket, to see what an HTTP/1.1 {@code Expect: 100-continue} exchange looks like from the
 * upstream's side (the JDK's HTTP server answers 100 by itself, at once): it never sends {@code 100 Continue}. It
 * either waits for the body and reports how long after the head it came, or ({@code refuse}) answers 401 to the head
 * at once and reports how many body bytes still arrived before the connection closed.
 */
final class ExpectingUpstream implements AutoCloseable {

    /** One request as the upstream saw it; {@code bodyBytes} counts what came after the head. */
    record Seen(String expect, long headToBodyMillis, int bodyBytes) {
    }

    private final ServerSocket server;
    private final boolean refuse;
    final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

    ExpectingUpstream(int port, boolean refuse) throws IOException {
        this.refuse = refuse;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", port));
        Thread accepting = new Thread(this::accept, "expecting-upstream-" + port);
        accepting.setDaemon(true);
        accepting.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread handler = new Thread(() -> handle(socket), "expecting-upstream-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void handle(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String head = readHead(in);
            long headAt = System.nanoTime();
            String expect = header(head, "expect");
            OutputStream out = socket.getOutputStream();
            if (refuse) {
                String body = "{\"error\":{\"message\":\"no key\",\"type\":\"authentication_error\","
                        + "\"code\":\"invalid_api_key\"}}";
                out.write(("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                int after = 0;
                try {
                    while (in.read() >= 0) {
                        after++;
                    }
                } catch (IOException reset) {
                    // the proxy closed the connection: what came before counts
                }
                seen.add(new Seen(expect, -1, after));
                return;
            }
            int length = Integer.parseInt(header(head, "content-length"));
            byte[] body = in.readNBytes(length);
            long gap = (System.nanoTime() - headAt) / 1_000_000;
            seen.add(new Seen(expect, gap, body.length));
            String answer = "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
                    + "{\"role\":\"assistant\",\"content\":\"got " + body.length + " bytes\"}}]}";
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + answer.length()
                    + "\r\n\r\n" + answer).getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException | RuntimeException e) {
            seen.add(new Seen("failed: " + e, -1, -1));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the request head");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The value of header {@code name} in {@code head}, "" when absent. */
    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
