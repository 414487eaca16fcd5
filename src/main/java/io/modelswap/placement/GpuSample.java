package io.modelswap.placement;

import java.util.List;
import java.util.Map;

/**
 * One reading of the GPUs (nvidia-smi), with the compute processes' memory already attributed to the models whose
 * process trees hold them at the moment of reading. Memory not attributed to a model is held by something modelswap
 * does not own.
 *
 * @param gpus   each GPU's total and used memory, in bytes
 * @param models model ID to GPU index to bytes its processes held
 */
public record GpuSample(List<Gpu> gpus, Map<String, Map<Integer, Long>> models) {

    public record Gpu(int id, long total, long used) {
    }

    public GpuSample {
        gpus = List.copyOf(gpus);
        models = Map.copyOf(models);
    }

    /** What processes modelswap does not own held on GPU {@code id}: used minus the models' memory. */
    public long foreignOn(Gpu gpu) {
        long ours = 0;
        for (Map<Integer, Long> byGpu : models.values()) {
            ours += byGpu.getOrDefault(gpu.id(), 0L);
        }
        return Math.max(0, gpu.used() - ours);
    }
}
