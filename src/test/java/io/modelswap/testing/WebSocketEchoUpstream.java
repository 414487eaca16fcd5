package io.modelswap.testing;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A websocket echo server for tests, run as a model's {@code cmd} (JDK only, RFC 6455 by hand, a thread per
 * connection): what ComfyUI's or a realtime UI's server is to modelswap. Every websocket first gets the text
 * {@code connected <path?query>}, then each data frame comes back as it was sent (opcode and fragmentation kept); the
 * text {@code close-me} makes the server close with 4001; a close from the peer is answered with the same status.
 * Plain HTTP: {@code GET /health}; {@code GET /stats} gives {@code {"open":N,"closes":[status, ...]}} (websockets open
 * now, and the statuses of closes the peer sent); the websocket path {@code /refuse} is answered 403; any other GET is
 * answered 200 with its path.
 *
 * <p>Usage: {@code java -cp target/test-classes io.modelswap.testing.WebSocketEchoUpstream --port N}
 */
public final class WebSocketEchoUpstream {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final AtomicInteger OPEN = new AtomicInteger();
    private static final List<Integer> CLOSES = new ArrayList<>();

    private WebSocketEchoUpstream() {
    }

    /** The command line that runs it on {@code port} (a number, or {@code ${PORT}}), for a model's {@code cmd}. */
    public static String command(String port) {
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return javaBin + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx128m -cp "
                + java.nio.file.Path.of("target/test-classes").toAbsolutePath() + " "
                + WebSocketEchoUpstream.class.getName() + " --port " + port;
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[1]);
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            System.out.println("websocket echo listening on " + port);
            while (true) {
                Socket socket = server.accept();
                Thread connection = new Thread(() -> serve(socket), "echo-" + socket.getPort());
                connection.setDaemon(true);
                connection.start();
            }
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                Map<String, String> head = readHead(in);
                if (head == null) {
                    return;
                }
                String target = head.get(":target");
                String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
                if (head.getOrDefault("upgrade", "").equalsIgnoreCase("websocket")) {
                    if (path.equals("/refuse")) {
                        respond(out, 403, "refused");
                        return;
                    }
                    handshake(out, head.get("sec-websocket-key"));
                    OPEN.incrementAndGet();
                    try {
                        echo(new DataInputStream(in), out, target);
                    } finally {
                        OPEN.decrementAndGet();
                    }
                    return;
                }
                if (path.equals("/health")) {
                    respond(out, 200, "{\"status\":\"ok\"}");
                } else if (path.equals("/stats")) {
                    synchronized (CLOSES) {
                        respond(out, 200, "{\"open\":" + OPEN.get() + ",\"closes\":" + CLOSES + "}");
                    }
                } else {
                    respond(out, 200, "{\"path\":\"" + target + "\"}");
                }
            }
        } catch (IOException gone) {
            // the peer went away
        }
    }

    private static Map<String, String> readHead(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        Map<String, String> head = new LinkedHashMap<>();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (c == '\r') {
                continue;
            }
            if (c != '\n') {
                line.append((char) c);
                continue;
            }
            if (line.isEmpty()) {
                return head;
            }
            if (!head.containsKey(":target")) {
                head.put(":target", line.toString().split(" ")[1]);
            } else {
                int colon = line.indexOf(":");
                head.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            line.setLength(0);
        }
    }

    private static void respond(OutputStream out, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static void handshake(OutputStream out, String key) throws IOException {
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void echo(DataInputStream in, OutputStream out, String target) throws IOException {
        writeFrame(out, true, 1, ("connected " + target).getBytes(StandardCharsets.UTF_8));
        while (true) {
            int b0;
            try {
                b0 = in.readUnsignedByte();
            } catch (EOFException gone) {
                return;
            }
            int b1 = in.readUnsignedByte();
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] mask = new byte[4];
            if ((b1 & 0x80) != 0) {
                in.readFully(mask);
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            switch (opcode) {
                case 8 -> {
                    int status = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                    synchronized (CLOSES) {
                        CLOSES.add(status);
                    }
                    writeFrame(out, true, 8, payload);
                    return;
                }
                case 9 -> writeFrame(out, true, 10, payload);
                case 10 -> {
                }
                default -> {
                    if (opcode == 1 && fin && new String(payload, StandardCharsets.UTF_8).equals("close-me")) {
                        byte[] reason = "asked to close".getBytes(StandardCharsets.UTF_8);
                        byte[] close = new byte[2 + reason.length];
                        close[0] = (byte) (4001 >> 8);
                        close[1] = (byte) (4001 & 0xFF);
                        System.arraycopy(reason, 0, close, 2, reason.length);
                        writeFrame(out, true, 8, close);
                        return;
                    }
                    writeFrame(out, fin, opcode, payload);
                }
            }
        }
    }

    private static void writeFrame(OutputStream out, boolean fin, int opcode, byte[] payload) throws IOException {
        out.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length < 65536) {
            out.write(126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xFF);
        } else {
            out.write(127);
            long length = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >> shift) & 0xFF);
            }
        }
        out.write(payload);
        out.flush();
    }
}
