package io.modelswap.placement;

import io.modelswap.config.GroupConfig;
import io.modelswap.config.MatrixConfig;
import io.modelswap.config.ResourcesConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.process.ProcessState;
import io.modelswap.process.StateChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What placement has learned, owned by the run loop and changed only there: each model's observed memory peak and
 * smoothed reload time, the GPUs' totals and what other processes hold. It turns the configuration and these into the
 * {@link MemoryPicture} the decision reads, and publishes a {@link MemoryView} for display on every change.
 */
public final class MemoryLedger {

    /** Weight of the newest load time in the smoothed reload time (exponential moving average). */
    static final double RELOAD_SMOOTHING = 0.3;

    private final Consumer<MemoryView> publisher;
    private ResourcesConfig resources = ResourcesConfig.OFF;
    private Set<String> pinned = Set.of();
    private Map<String, Integer> evictCosts = Map.of();
    private GpuSample lastSample;
    /** Bounded by the configured models: entries of removed models leave at the next configuration. */
    private final Map<String, Long> observedPeak = new HashMap<>();
    private final Map<String, Long> reloadMs = new HashMap<>();
    private final Map<String, Instant> startedAt = new HashMap<>();
    private MemoryPicture picture = MemoryPicture.OFF;

    public MemoryLedger(Consumer<MemoryView> publisher) {
        this.publisher = publisher;
    }

    /** A ledger that publishes nowhere (tests, and callers without a display). */
    public static MemoryLedger unpublished() {
        return new MemoryLedger(view -> {
        });
    }

    /** The picture the decision reads now. */
    public MemoryPicture picture() {
        return picture;
    }

    /** A configuration arrived; {@code changed} models run a new definition, so what was learned of them is old. */
    public void configure(SwapConfig config, Collection<String> changed) {
        resources = config.resources();
        Set<String> pins = new HashSet<>();
        if (!config.routing().isMatrix()) {
            config.routing().groups().stream().filter(GroupConfig::persistent).forEach(g -> pins.addAll(g.members()));
        }
        pinned = pins;
        evictCosts = config.routing().matrix().map(MatrixConfig::evictCosts).orElse(Map.of()).entrySet().stream()
                .filter(e -> config.models().containsKey(e.getKey()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        for (String model : changed) {
            observedPeak.remove(model);
            reloadMs.remove(model);
        }
        observedPeak.keySet().retainAll(config.models().keySet());
        reloadMs.keySet().retainAll(config.models().keySet());
        startedAt.keySet().retainAll(config.models().keySet());
        rebuild();
    }

    /** A reading of the GPUs arrived: totals, what others hold, and each model's peak so far. */
    public void sample(GpuSample sample) {
        lastSample = sample;
        sample.models().forEach((model, byGpu) -> {
            long total = byGpu.values().stream().mapToLong(Long::longValue).sum();
            if (total > 0) {
                observedPeak.merge(model, total, Math::max);
            }
        });
        rebuild();
    }

    /** Learns reload times: from the start of a load to ready. */
    public void stateChanged(StateChange change) {
        if (change.to() == ProcessState.STARTING) {
            startedAt.put(change.model(), change.at());
        } else if (change.to() == ProcessState.READY) {
            Instant began = startedAt.remove(change.model());
            if (began != null) {
                long ms = Math.max(0, Duration.between(began, change.at()).toMillis());
                reloadMs.merge(change.model(), ms,
                        (old, now) -> Math.round(old * (1 - RELOAD_SMOOTHING) + now * RELOAD_SMOOTHING));
                rebuild();
            }
        } else if (!change.to().isRunning()) {
            startedAt.remove(change.model());
        }
    }

    private void rebuild() {
        if (!resources.enabled()) {
            picture = MemoryPicture.OFF;
            publisher.accept(MemoryView.OFF);
            return;
        }
        List<GpuMemory> gpus = new ArrayList<>();
        List<MemoryView.Gpu> shownGpus = new ArrayList<>();
        Map<Integer, GpuSample.Gpu> read = new HashMap<>();
        if (lastSample != null) {
            lastSample.gpus().forEach(g -> read.put(g.id(), g));
        }
        List<ResourcesConfig.Gpu> declared = resources.gpus();
        if (declared.isEmpty()) {
            declared = read.values().stream().map(g -> new ResourcesConfig.Gpu(g.id(), g.total()))
                    .sorted(java.util.Comparator.comparingInt(ResourcesConfig.Gpu::id)).toList();
        }
        for (ResourcesConfig.Gpu g : declared) {
            GpuSample.Gpu reading = read.get(g.id());
            long foreign = reading == null ? 0 : lastSample.foreignOn(reading);
            gpus.add(new GpuMemory(g.id(), g.memory(), foreign));
            long used = reading == null ? -1 : reading.used();
            shownGpus.add(new MemoryView.Gpu(g.id(), g.memory(), used, used < 0 ? -1 : Math.max(0, g.memory() - used),
                    resources.reserve(), foreign));
        }
        Map<String, ModelNeed> needs = new HashMap<>();
        Map<String, MemoryView.Model> shown = new TreeMap<>();
        Set<String> models = new HashSet<>(resources.models().keySet());
        models.addAll(observedPeak.keySet());
        for (String model : models) {
            ResourcesConfig.ModelResources r = resources.models().get(model);
            long declaredBytes = r == null ? 0 : r.declared();
            long guess = r == null ? 0 : r.guess();
            long observed = observedPeak.getOrDefault(model, 0L);
            List<Integer> on = r == null ? List.of() : r.gpus();
            ModelNeed need;
            if (declaredBytes > 0 || observed > 0) {
                need = new ModelNeed(Math.max(declaredBytes, observed),
                        observed > declaredBytes ? ModelNeed.Source.OBSERVED : ModelNeed.Source.DECLARED, on);
            } else if (guess > 0) {
                need = new ModelNeed(guess, ModelNeed.Source.GGUF, on);
            } else {
                need = new ModelNeed(0, ModelNeed.Source.UNKNOWN, on);
            }
            needs.put(model, need);
            shown.put(model, new MemoryView.Model(declaredBytes, observed, guess, need.bytes(),
                    need.source().label(), on, reloadMs.getOrDefault(model, -1L)));
        }
        picture = new MemoryPicture(gpus, resources.reserve(), needs, reloadMs, evictCosts, pinned);
        publisher.accept(new MemoryView(!gpus.isEmpty(), shownGpus, shown));
    }
}
