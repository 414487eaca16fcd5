package io.modelswap.capture;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The captures of recent requests, bounded in bytes: adding one drops the oldest until the total fits the limit in
 * force ({@code captureBuffer} MB, read at every add so a reload takes effect), and one that alone exceeds the limit is
 * not kept. A capture of {@link #DEFLATE_FROM} bytes or more is kept deflated, a smaller one as it is: zlib's setup
 * per capture (its hash tables are zeroed at every reset) cost a fifth of the proxy's CPU on small chat completions
 * while saving a few hundred bytes each (docs/benchmarks.md). Thread-safe.
 */
@ApplicationScoped
public class CaptureBuffer {

    /** The size from which a capture is deflated: below it, compressing costs more CPU than the memory it saves. */
    static final int DEFLATE_FROM = 4 * 1024;

    /** A capture as kept: its JSON text, deflated or not. */
    record Packed(byte[] bytes, boolean deflated) {
        String text() {
            return new String(deflated ? inflate(bytes) : bytes, StandardCharsets.UTF_8);
        }
    }

    private final LinkedHashMap<Long, Packed> captures = new LinkedHashMap<>();
    private long bytes;

    /**
     * Keeps {@code json} (a capture's JSON text) under {@code id} within {@code limit} bytes of kept captures;
     * returns whether it was kept.
     */
    public boolean add(long id, String json, long limit) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        return addPacked(id, kept(text, text.length), limit);
    }

    /** Like {@link #add}, for a capture already packed with {@link #pack}. */
    boolean addPacked(long id, Packed packed, long limit) {
        synchronized (captures) {
            if (packed.bytes().length > limit) {
                shrinkTo(limit);
                return false;
            }
            Packed previous = captures.put(id, packed);
            bytes += packed.bytes().length - (previous == null ? 0 : previous.bytes().length);
            shrinkTo(limit);
            return captures.containsKey(id);
        }
    }

    /** The capture's JSON text, or null when there is none (never taken, or dropped since). */
    public String get(long id) {
        Packed packed;
        synchronized (captures) {
            packed = captures.get(id);
        }
        return packed == null ? null : packed.text();
    }

    public boolean has(long id) {
        synchronized (captures) {
            return captures.containsKey(id);
        }
    }

    /** Bytes held, as kept (deflated or not). */
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
        Iterator<Map.Entry<Long, Packed>> oldestFirst = captures.entrySet().iterator();
        while (bytes > limit && oldestFirst.hasNext()) {
            bytes -= oldestFirst.next().getValue().bytes().length;
            oldestFirst.remove();
        }
    }

    /**
     * One scratch buffer and (once needed) one compressor per thread, reused between captures: captures are taken on
     * the event-loop threads, a fixed few, and a new {@link Deflater} sets up zlib's window and hash tables (about
     * 256 KiB of native memory, zeroed) every time.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static final JsonFactory JSON = new JsonFactory();

    /** A growable byte array the capture's JSON is written into, and the thread's deflater. */
    private static final class Scratch extends OutputStream {
        /** What a scratch array shrinks back to after a big capture, so a thread does not keep the largest one. */
        static final int KEPT = 16 * 1024;
        private Deflater deflater;
        byte[] bytes = new byte[KEPT];
        int count;

        @Override
        public void write(int b) {
            ensure(1);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(byte[] from, int offset, int length) {
            ensure(length);
            System.arraycopy(from, offset, bytes, count, length);
            count += length;
        }

        private void ensure(int more) {
            if (count + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
            }
        }

        /** The thread's deflater, made when the thread first keeps a capture deflated (most never need one). */
        Deflater deflater() {
            if (deflater == null) {
                deflater = new Deflater(Deflater.BEST_SPEED);
            }
            return deflater;
        }

        void reset() {
            count = 0;
            if (bytes.length > KEPT) {
                bytes = new byte[KEPT];
            }
        }
    }

    /** What writes a capture's JSON. */
    interface JsonWriter {
        void write(JsonGenerator json) throws IOException;
    }

    /**
     * A capture's JSON, written by {@code writer} into the thread's scratch buffer (no tree, no base64 string in
     * between: a capture is written for every proxied POST while captures are on, the default), kept as it is or
     * deflated by its size.
     */
    static Packed pack(JsonWriter writer) {
        Scratch scratch = SCRATCH.get();
        try {
            JsonGenerator json = JSON.createGenerator(scratch);
            writer.write(json);
            json.close(); // flushes into the scratch buffer
            return kept(scratch.bytes, scratch.count);
        } catch (IOException e) {
            throw new UncheckedIOException("a capture could not be written", e);
        } finally {
            scratch.reset();
        }
    }

    /**
     * The first {@code length} bytes of a capture's JSON as kept: as they are when small, deflated from
     * {@link #DEFLATE_FROM} bytes. The one place that decides, for captures packed here and added as text.
     */
    private static Packed kept(byte[] text, int length) {
        return length < DEFLATE_FROM ? new Packed(Arrays.copyOf(text, length), false)
                : new Packed(deflate(SCRATCH.get().deflater(), text, 0, length), true);
    }

    private static byte[] deflate(Deflater deflater, byte[] plain, int offset, int length) {
        try {
            deflater.setInput(plain, offset, length);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(256, length / 4));
            byte[] chunk = new byte[8 * 1024];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            deflater.reset();
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
