package io.modelswap.placement;

import static io.modelswap.config.ByteSize.GIB;

import io.modelswap.router.scheduler.Resident;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A small builder of memory pictures and residents for placement tests. */
final class Pictures {

    final List<GpuMemory> gpus = new ArrayList<>();
    long reserve;
    final Map<String, ModelNeed> needs = new HashMap<>();
    final Map<String, Long> reload = new HashMap<>();
    final Map<String, Integer> evictCosts = new HashMap<>();
    final Set<String> pinned = new HashSet<>();

    Pictures gpu(int id, long totalGib, long foreignGib) {
        gpus.add(new GpuMemory(id, totalGib * GIB, foreignGib * GIB));
        return this;
    }

    Pictures reserve(long gib) {
        reserve = gib * GIB;
        return this;
    }

    /** A model of {@code gib} declared memory on every GPU, reloading in {@code reloadSeconds}. */
    Pictures model(String id, long gib, long reloadSeconds, Integer... onGpus) {
        needs.put(id, new ModelNeed(gib * GIB, ModelNeed.Source.DECLARED, List.of(onGpus)));
        reload.put(id, reloadSeconds * 1000);
        return this;
    }

    Pictures pin(String id) {
        pinned.add(id);
        return this;
    }

    MemoryPicture build() {
        return new MemoryPicture(gpus, reserve, needs, reload, evictCosts, pinned);
    }

    static Resident idle(String model) {
        return new Resident(model, 0, null, false);
    }

    static Resident busy(String model) {
        return new Resident(model, 1, null, false);
    }
}
