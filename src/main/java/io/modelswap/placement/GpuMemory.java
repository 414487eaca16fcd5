package io.modelswap.placement;

/**
 * One GPU as placement sees it.
 *
 * @param id      its index (nvidia-smi's, CUDA_VISIBLE_DEVICES's)
 * @param total   its memory in bytes
 * @param foreign bytes held by what modelswap does not own (other programs, the driver), as last measured
 */
public record GpuMemory(int id, long total, long foreign) {
}
