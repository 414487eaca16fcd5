package io.modelswap.placement;

import java.util.List;

/**
 * What placement counts for one model: its memory in bytes, where that figure comes from, and the GPUs it runs on. A
 * model on several GPUs is assumed to spread its memory evenly over them (llama.cpp's default split, vLLM's tensor
 * parallelism).
 *
 * @param bytes  memory taken when it runs; 0 when unknown (then it is placed as if it took none, llama-swap's way)
 * @param source where {@code bytes} comes from
 * @param gpus   GPU indexes; empty = every GPU
 */
public record ModelNeed(long bytes, Source source, List<Integer> gpus) {

    /** Where a model's memory figure comes from, as the {@code source} label of its gauge says it. */
    public enum Source {
        /** {@code resources.memory}, larger than anything measured. */
        DECLARED("declared"),
        /** The peak measured while it ran (at least the declared figure). */
        OBSERVED("observed"),
        /** The size of the GGUF file in {@code cmd} plus a margin; never measured yet. */
        GGUF("gguf"),
        /** Nothing known: placed as if it took no memory. */
        UNKNOWN("unknown");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static final ModelNeed UNKNOWN = new ModelNeed(0, Source.UNKNOWN, List.of());

    public ModelNeed {
        gpus = List.copyOf(gpus);
    }

    /** Whether it runs on GPU {@code id}. */
    public boolean uses(int id) {
        return gpus.isEmpty() || gpus.contains(id);
    }

    /** The bytes it takes on GPU {@code id}, among {@code gpuCount} GPUs placement knows (0 when it does not use it). */
    public long shareOn(int id, List<GpuMemory> all) {
        if (bytes == 0 || !uses(id)) {
            return 0;
        }
        long on = gpus.isEmpty() ? all.size() : all.stream().filter(g -> gpus.contains(g.id())).count();
        return bytes / Math.max(1, on);
    }
}
