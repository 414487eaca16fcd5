package io.modelswap.capture;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The captures of recent requests, compressed, bounded in bytes: adding one drops the oldest until the total fits
 * the limit in force ({@code captureBuffer} MB, read at every add so a reload takes effect), and one that alone
 * exceeds the limit is not kept. Thread-safe.
 */
@ApplicationScoped
public class CaptureBuffer {

    private final LinkedHashMap<Long, byte[]> captures = new LinkedHashMap<>();
    private long bytes;

    /**
     * Keeps {@code json} (a capture's JSON text) under {@code id} within {@code limit} bytes of compressed captures;
     * returns whether it was kept.
     */
    public boolean add(long id, String json, long limit) {
        return addPacked(id, deflate(json.getBytes(StandardCharsets.UTF_8)), limit);
    }

    /** Like {@link #add}, for a capture already compressed with {@link #pack}. */
    boolean addPacked(long id, byte[] packed, long limit) {
        synchronized (captures) {
            if (packed.length > limit) {
                shrinkTo(limit);
                return false;
            }
            byte[] previous = captures.put(id, packed);
            bytes += packed.length - (previous == null ? 0 : previous.length);
            shrinkTo(limit);
            return captures.containsKey(id);
        }
    }

    /** The capture's JSON text, or null when there is none (never taken, or dropped since). */
    public String get(long id) {
        byte[] packed;
        synchronized (captures) {
            packed = captures.get(id);
        }
        return packed == null ? null : new String(inflate(packed), StandardCharsets.UTF_8);
    }

    public boolean has(long id) {
        synchronized (captures) {
            return captures.containsKey(id);
        }
    }

    /** Compressed bytes held. */
    public long bytes() {
        synchronized (captures) {
            return bytes;
        }
    }

    public int size() {
        synchronized (captures) {
            return captures.size();
        }
    }

    private void shrinkTo(long limit) {
        Iterator<Map.Entry<Long, byte[]>> oldestFirst = captures.entrySet().iterator();
        while (bytes > limit && oldestFirst.hasNext()) {
            bytes -= oldestFirst.next().getValue().length;
            oldestFirst.remove();
        }
    }

    /**
     * One compressor per thread, reset between captures: a new {@link Deflater} sets up zlib's window and hash tables
     * (about 256 KiB of native memory, zeroed) for every request, which was the largest single cost of a captured
     * request (docs/benchmarks.md). Captures are taken on the event-loop threads, a fixed few.
     */
    private static final ThreadLocal<Compressor> COMPRESSOR = ThreadLocal.withInitial(Compressor::new);
    private static final JsonFactory JSON = new JsonFactory();

    /** The thread's deflater and its output chunk; as a stream, what is written to it is compressed into {@code out}. */
    private static final class Compressor extends OutputStream {
        final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        final byte[] chunk = new byte[16 * 1024];
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            deflater.setInput(bytes, offset, length);
            while (!deflater.needsInput()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
        }

        byte[] finish() {
            deflater.finish();
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        }

        void reset() {
            deflater.reset();
            out = new ByteArrayOutputStream(256);
        }
    }

    /** What writes a capture's JSON. */
    interface JsonWriter {
        void write(JsonGenerator json) throws IOException;
    }

    /**
     * A capture's JSON, written by {@code writer} straight into the compressor: no tree, no base64 string, no encoded
     * text in between (a capture is written for every proxied POST while captures are on, the default).
     */
    static byte[] pack(JsonWriter writer) {
        Compressor compressor = COMPRESSOR.get();
        try {
            JsonGenerator json = JSON.createGenerator(compressor);
            writer.write(json);
            json.close(); // flushes into the compressor, which stays open
            return compressor.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("a capture could not be written", e);
        } finally {
            compressor.reset();
        }
    }

    static byte[] deflate(byte[] plain) {
        Compressor compressor = COMPRESSOR.get();
        try {
            compressor.write(plain, 0, plain.length);
            return compressor.finish();
        } finally {
            compressor.reset();
        }
    }

    static byte[] inflate(byte[] packed) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(packed);
            ByteArrayOutputStream out = new ByteArrayOutputStream(packed.length * 4);
            byte[] chunk = new byte[16 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException("a capture could not be decompressed", e);
        } finally {
            inflater.end();
        }
    }
}
