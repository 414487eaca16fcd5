package io.modelswap.performance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code nvidia-smi} in its CSV query mode ({@code --format=csv,noheader,nounits}): per-GPU samples, the compute
 * processes with their GPU memory, and the static facts of the hardware snapshot. The command is a setting
 * ({@code modelswap.performance.nvidia-smi}), so tests can put a scripted fake in its place. Runs block: call them off
 * the event loop.
 */
final class NvidiaSmi {

    /** A stuck driver must not stall sampling. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Output read from one run at most (a box with many GPUs and processes stays far below). */
    static final int MAX_OUTPUT = 256 * 1024;

    static final String GPU_FIELDS = "index,name,uuid,temperature.gpu,utilization.gpu,memory.used,memory.total,"
            + "fan.speed,power.draw";
    static final String APP_FIELDS = "pid,gpu_uuid,used_memory";
    static final String HARDWARE_FIELDS = "index,name,uuid,pci.bus_id,memory.total,driver_version,power.limit";

    /** One GPU's sample ({@code memory} in MiB). */
    record Gpu(int index, String name, String uuid, int tempC, double utilPct, long memUsedMb, long memTotalMb,
            double fanPct, double powerW) {
    }

    /** One compute process on a GPU. */
    record App(long pid, String gpuUuid, long memUsedMb) {
    }

    private final String command;

    NvidiaSmi(String command) {
        this.command = command;
    }

    /** The setting's value {@code off}: never run it (no GPU samples, no memory measurements). */
    boolean off() {
        return "off".equalsIgnoreCase(command.strip());
    }

    List<Gpu> gpus() throws IOException {
        List<Gpu> out = new ArrayList<>();
        for (String[] f : query("--query-gpu=" + GPU_FIELDS)) {
            if (f.length >= 9) {
                out.add(new Gpu((int) number(f[0]), f[1], f[2], (int) number(f[3]), number(f[4]), (long) number(f[5]),
                        (long) number(f[6]), number(f[7]), number(f[8])));
            }
        }
        return out;
    }

    List<App> apps() throws IOException {
        List<App> out = new ArrayList<>();
        for (String[] f : query("--query-compute-apps=" + APP_FIELDS)) {
            if (f.length >= 3) {
                out.add(new App((long) number(f[0]), f[1], (long) number(f[2])));
            }
        }
        return out;
    }

    /** {@link #HARDWARE_FIELDS} rows. */
    List<String[]> hardware() throws IOException {
        if (off()) {
            return List.of();
        }
        return query("--query-gpu=" + HARDWARE_FIELDS);
    }

    /**
     * Runs one query. Its output goes to a file rather than a pipe, so a hung {@code nvidia-smi} cannot block the
     * reader past {@link #TIMEOUT}. One query at a time.
     */
    private synchronized List<String[]> query(String what) throws IOException {
        Path output = Files.createTempFile("modelswap-nvidia-smi", ".csv");
        Process process = null;
        try {
            process = new ProcessBuilder(command, what, "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(command + " did not finish within " + TIMEOUT.toSeconds() + "s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(command + " exited with " + process.exitValue());
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(output)) {
                bytes = in.readNBytes(MAX_OUTPUT);
            }
            return rows(new String(bytes, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(output);
        }
    }

    static List<String[]> rows(String csv) {
        List<String[]> out = new ArrayList<>();
        for (String line : csv.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(",");
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fields[i].trim();
            }
            out.add(fields);
        }
        return out;
    }

    /** A number, or 0 for {@code [N/A]}, {@code [Not Supported]} and the like. */
    static double number(String field) {
        try {
            return Double.parseDouble(field.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
