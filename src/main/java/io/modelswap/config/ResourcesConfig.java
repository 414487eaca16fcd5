package io.modelswap.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Memory-aware placement as configured: the top-level {@code resources} key and each model's {@code resources}.
 * Kept beside the model definitions rather than in them, so a changed memory figure never restarts a model.
 *
 * @param enabled whether the file has a top-level {@code resources} key; without it placement is off
 * @param gpus    the declared GPUs; empty = take them from nvidia-smi
 * @param reserve bytes kept free on every GPU
 * @param models  per model ID, what is known before it first runs (models with nothing to say are absent)
 */
public record ResourcesConfig(boolean enabled, List<Gpu> gpus, long reserve, Map<String, ModelResources> models) {

    /** No {@code resources} key: nothing changes from llama-swap's behaviour. */
    public static final ResourcesConfig OFF = new ResourcesConfig(false, List.of(), 0, Map.of());

    public ResourcesConfig {
        gpus = List.copyOf(gpus);
        models = Map.copyOf(models);
    }

    /** One declared GPU: its index (as nvidia-smi and CUDA_VISIBLE_DEVICES number it) and its memory in bytes. */
    public record Gpu(int id, long memory) {
    }

    /**
     * What is known about one model's memory before it is measured.
     *
     * @param declared    {@code resources.memory} in bytes, or 0
     * @param guess       the first guess from a GGUF file named in {@code cmd} (size plus margin), or 0
     * @param guessedFrom that file, or empty
     * @param gpus        the GPU indexes it runs on ({@code resources.gpus}, else CUDA_VISIBLE_DEVICES); empty = all
     */
    public record ModelResources(long declared, long guess, String guessedFrom, List<Integer> gpus) {
        public ModelResources {
            gpus = List.copyOf(gpus);
        }
    }

    public Optional<ModelResources> of(String model) {
        return Optional.ofNullable(models.get(model));
    }
}
