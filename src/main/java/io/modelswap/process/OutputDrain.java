package io.modelswap.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import org.jboss.logging.Logger;

/**
 * Reads an upstream's merged stdout/stderr on a daemon thread, line by line, into its {@link LogRing} and a debug
 * logger, so the child never blocks on a full pipe. A line longer than {@link #MAX_LINE_BYTES} is cut into pieces
 * (a progress bar that never prints a line break must not grow memory).
 */
final class OutputDrain {

    static final int MAX_LINE_BYTES = 16 * 1024;

    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private OutputDrain() {
    }

    /** Starts draining {@code output}; the thread ends at end of stream (when every holder of the pipe is gone). */
    static OutputDrain start(InputStream output, LogRing ring, Logger logger, String threadName) {
        OutputDrain drain = new OutputDrain();
        Thread thread = new Thread(() -> drain.run(output, ring, logger), threadName);
        thread.setDaemon(true);
        thread.start();
        return drain;
    }

    /** Completes when the stream has ended and every line was handed over. */
    CompletableFuture<Void> closed() {
        return closed;
    }

    private void run(InputStream output, LogRing ring, Logger logger) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        byte[] buffer = new byte[8192];
        try (output) {
            int n;
            while ((n = output.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n' || line.size() >= MAX_LINE_BYTES) {
                        emit(line, ring, logger);
                    }
                    if (b != '\n') {
                        line.write(b);
                    }
                }
            }
        } catch (IOException e) {
            // the pipe was closed under us (process destroyed): nothing more to read
        } finally {
            if (line.size() > 0) {
                emit(line, ring, logger);
            }
            closed.complete(null);
        }
    }

    private static void emit(ByteArrayOutputStream line, LogRing ring, Logger logger) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        ring.append(text);
        logger.debug(text);
    }
}
