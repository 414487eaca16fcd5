package io.modelswap.placement;

import java.util.List;
import java.util.Map;

/**
 * What placement knows, for display: {@code /metrics}, {@code /running}, {@code /v1/models}. Published by the run
 * loop whenever it changes; never read to decide anything.
 *
 * @param enabled whether memory-aware placement is on (a {@code resources} key and at least one GPU known)
 * @param gpus    each GPU
 * @param models  model ID to its figures (models with nothing known are absent)
 */
public record MemoryView(boolean enabled, List<Gpu> gpus, Map<String, Model> models) {

    public static final MemoryView OFF = new MemoryView(false, List.of(), Map.of());

    public MemoryView {
        gpus = List.copyOf(gpus);
        models = Map.copyOf(models);
    }

    /**
     * @param used     bytes in use at the last reading (-1 when never read)
     * @param free     total - used (-1 when never read)
     * @param reserved {@code resources.reserve}
     * @param foreign  bytes held by processes modelswap does not own (0 when never read)
     */
    public record Gpu(int id, long total, long used, long free, long reserved, long foreign) {
    }

    /**
     * @param declared  {@code resources.memory}, or 0
     * @param observed  the peak measured while it ran, or 0
     * @param guess     the GGUF guess, or 0
     * @param effective what placement counts: max(declared, observed), else the guess
     * @param source    {@code declared}, {@code observed}, {@code gguf} or {@code unknown}
     * @param reloadMs  the learned reload time (start to ready, smoothed), or -1
     */
    public record Model(long declared, long observed, long guess, long effective, String source, List<Integer> gpus,
            long reloadMs) {
    }

    public Model model(String id) {
        return models.get(id);
    }

    /**
     * The {@code memory} object of a model in {@code /running} and {@code /v1/models}; null when placement is off or
     * nothing is known of the model.
     */
    public java.util.Map<String, Object> json(String id) {
        Model m = enabled ? models.get(id) : null;
        if (m == null) {
            return null;
        }
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("bytes", m.effective());
        out.put("source", m.source());
        out.put("declared_bytes", m.declared());
        out.put("observed_bytes", m.observed());
        if (m.guess() > 0) {
            out.put("guess_bytes", m.guess());
        }
        out.put("gpus", m.gpus());
        if (m.reloadMs() >= 0) {
            out.put("reload_ms", m.reloadMs());
        }
        return out;
    }
}
