package io.modelswap.performance;

import io.modelswap.app.ConfigReloader;
import io.modelswap.settings.ModelswapSettings;
import io.modelswap.config.ServerSettings;
import io.modelswap.placement.GpuSample;
import io.modelswap.process.ProcessView;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Samples the machine every {@code performance.every} (5 s by default, llama-swap's period) into rings that hold one
 * hour: CPU per core, memory and swap, load average and network from {@code /proc}; per GPU, memory and utilisation
 * from {@code nvidia-smi} when it can be run, with the GPU memory of each model whose process tree holds a compute
 * process. Sampling runs on a thread of its own (reading {@code /proc} and running {@code nvidia-smi} block) and
 * follows reloads: {@code performance.disabled} stops it and empties the rings, a new {@code every} resizes them.
 */
@ApplicationScoped
public class PerformanceMonitor {

    private static final Logger LOG = Logger.getLogger(PerformanceMonitor.class);

    /** How far back the rings reach (llama-swap's window). */
    static final Duration WINDOW = Duration.ofHours(1);
    /** After {@code nvidia-smi} could not be run, how long before it is tried again. */
    static final Duration GPU_RETRY = Duration.ofMinutes(1);
    private static final Path PROC = Path.of("/proc");
    /** nvidia-smi's memory unit (MiB) in bytes. */
    private static final long MIB = 1024L * 1024;

    private final ConfigReloader config;
    private final Router router;
    private final NvidiaSmi nvidia;
    private ScheduledExecutorService sampler;

    // ---- guarded by this ----
    private final ArrayDeque<JsonObject> sys = new ArrayDeque<>();
    private final ArrayDeque<List<JsonObject>> gpu = new ArrayDeque<>();
    private JsonObject hardware;
    private boolean procReadable;
    private boolean gpuSeen;
    private boolean enabled;

    // ---- sampler thread only ----
    private List<ProcStats.CoreTimes> lastCores;
    private long gpuRetryAtNanos;

    public PerformanceMonitor(ConfigReloader config, Router router, ModelswapSettings settings) {
        this.config = config;
        this.router = router;
        this.nvidia = new NvidiaSmi(settings.performance().nvidiaSmi());
    }

    /** After the configuration is loaded (the default observers' priority is APPLICATION + 500). */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "modelswap-performance");
            t.setDaemon(true);
            return t;
        });
        sampler.execute(this::tick);
    }

    void stop(@Observes ShutdownEvent event) {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    /** Whether there is anything to show: sampling is on and {@code /proc} or a GPU could be read. */
    public synchronized boolean available() {
        return enabled && (procReadable || gpuSeen);
    }

    /** The samples taken after {@code after} (all when null), llama-swap's {@code sys_stats} and {@code gpu_stats}. */
    public synchronized JsonObject samples(Instant after) {
        JsonArray sysStats = new JsonArray();
        for (JsonObject s : sys) {
            if (after == null || Instant.parse(s.getString("timestamp")).isAfter(after)) {
                sysStats.add(s);
            }
        }
        JsonArray gpuStats = new JsonArray();
        for (List<JsonObject> round : gpu) {
            for (JsonObject g : round) {
                if (after == null || Instant.parse(g.getString("timestamp")).isAfter(after)) {
                    gpuStats.add(g);
                }
            }
        }
        return new JsonObject().put("enabled", true).put("sys_stats", sysStats).put("gpu_stats", gpuStats);
    }

    /** The hardware snapshot taken when sampling started; null before, or when sampling is off. */
    public synchronized JsonObject hardware() {
        return enabled ? hardware : null;
    }

    // ---------------------------------------------------------------- sampling

    private void tick() {
        ServerSettings settings = config.serverSettings();
        try {
            if (settings.performanceDisabled()) {
                synchronized (this) {
                    enabled = false;
                    sys.clear();
                    gpu.clear();
                }
                lastCores = null;
                RouterView view = router.view();
                if (view != null && view.config().resources().enabled()) {
                    gpus(Instant.now()); // memory-aware placement still needs its readings
                }
            } else {
                sample(settings.performanceEvery());
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "performance sample failed");
        } finally {
            try {
                sampler.schedule(this::tick, settings.performanceEvery().toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                // modelswap is stopping
            }
        }
    }

    private void sample(Duration every) {
        boolean first;
        synchronized (this) {
            first = !enabled;
            enabled = true;
        }
        if (first || hardware() == null) {
            JsonObject snapshot = HardwareSnapshot.take(PROC, nvidia);
            synchronized (this) {
                hardware = snapshot;
            }
        }
        Instant now = Instant.now();
        JsonObject system = system(now);
        List<JsonObject> gpus = gpus(now);
        int capacity = (int) Math.max(1, WINDOW.toMillis() / Math.max(1, every.toMillis()));
        synchronized (this) {
            procReadable = system != null;
            if (system != null) {
                sys.addLast(system);
            }
            if (gpus != null) {
                gpuSeen = true;
                gpu.addLast(gpus);
            }
            while (sys.size() > capacity) {
                sys.removeFirst();
            }
            while (gpu.size() > capacity) {
                gpu.removeFirst();
            }
        }
    }

    private JsonObject system(Instant now) {
        ProcStats.Reading reading = ProcStats.read(PROC);
        if (reading == null) {
            return null;
        }
        List<ProcStats.CoreTimes> before = lastCores == null ? reading.cores() : lastCores;
        lastCores = reading.cores();
        Map<String, Long> mem = reading.memory();
        long totalKb = mem.getOrDefault("MemTotal", 0L);
        long availableKb = mem.getOrDefault("MemAvailable", mem.getOrDefault("MemFree", 0L));
        long swapTotalKb = mem.getOrDefault("SwapTotal", 0L);
        JsonArray net = new JsonArray();
        reading.net().forEach((name, bytes) -> net.add(new JsonObject().put("name", name)
                .put("bytes_recv", bytes[0]).put("bytes_sent", bytes[1])));
        return new JsonObject()
                .put("timestamp", now.toString())
                .put("cpu_util_per_core", new JsonArray(new ArrayList<>(ProcStats.utilisation(before, reading.cores()))))
                .put("mem_total_mb", totalKb / 1024)
                .put("mem_used_mb", (totalKb - availableKb) / 1024)
                .put("mem_free_mb", mem.getOrDefault("MemFree", 0L) / 1024)
                .put("swap_total_mb", swapTotalKb / 1024)
                .put("swap_used_mb", (swapTotalKb - mem.getOrDefault("SwapFree", swapTotalKb)) / 1024)
                .put("load_avg_1", reading.load()[0])
                .put("load_avg_5", reading.load()[1])
                .put("load_avg_15", reading.load()[2])
                .put("net_io", net);
    }

    /** One GPU round, or null when {@code nvidia-smi} cannot be run (then not tried again for a while). */
    private List<JsonObject> gpus(Instant now) {
        if (nvidia.off() || System.nanoTime() < gpuRetryAtNanos) {
            return null;
        }
        List<NvidiaSmi.Gpu> gpus;
        List<NvidiaSmi.App> apps;
        try {
            gpus = nvidia.gpus();
            apps = nvidia.apps();
        } catch (IOException e) {
            if (gpuRetryAtNanos == 0) {
                LOG.infof("no GPU samples: %s (modelswap.performance.nvidia-smi)", e.getMessage());
            }
            gpuRetryAtNanos = System.nanoTime() + GPU_RETRY.toNanos();
            return null;
        }
        Map<Long, String> owners = processOwners();
        router.gpuSampled(placementSample(gpus, apps, owners));
        List<JsonObject> round = new ArrayList<>();
        for (NvidiaSmi.Gpu g : gpus) {
            Map<String, Long> byModel = new java.util.TreeMap<>();
            for (NvidiaSmi.App app : apps) {
                String model = owners.get(app.pid());
                if (model != null && app.gpuUuid().equals(g.uuid())) {
                    byModel.merge(model, app.memUsedMb(), Long::sum);
                }
            }
            JsonArray models = new JsonArray();
            byModel.forEach((model, mb) -> models.add(new JsonObject().put("model", model).put("mem_used_mb", mb)));
            round.add(new JsonObject()
                    .put("timestamp", now.toString())
                    .put("id", g.index())
                    .put("name", g.name())
                    .put("uuid", g.uuid())
                    .put("temp_c", g.tempC())
                    .put("vram_temp_c", 0)
                    .put("gpu_util_pct", g.utilPct())
                    .put("mem_util_pct", g.memTotalMb() > 0 ? 100.0 * g.memUsedMb() / g.memTotalMb() : 0.0)
                    .put("mem_used_mb", g.memUsedMb())
                    .put("mem_total_mb", g.memTotalMb())
                    .put("fan_speed_pct", g.fanPct())
                    .put("power_draw_w", g.powerW())
                    .put("models", models));
        }
        return round;
    }

    /** The same reading for memory-aware placement: bytes, GPUs by index, processes attributed to their models. */
    static GpuSample placementSample(List<NvidiaSmi.Gpu> gpus, List<NvidiaSmi.App> apps, Map<Long, String> owners) {
        List<GpuSample.Gpu> read = new ArrayList<>();
        Map<String, Integer> indexOf = new HashMap<>();
        for (NvidiaSmi.Gpu g : gpus) {
            read.add(new GpuSample.Gpu(g.index(), g.memTotalMb() * MIB, g.memUsedMb() * MIB));
            indexOf.put(g.uuid(), g.index());
        }
        Map<String, Map<Integer, Long>> models = new HashMap<>();
        for (NvidiaSmi.App app : apps) {
            String model = owners.get(app.pid());
            Integer index = indexOf.get(app.gpuUuid());
            if (model != null && index != null) {
                models.computeIfAbsent(model, m -> new HashMap<>()).merge(index, app.memUsedMb() * MIB, Long::sum);
            }
        }
        return new GpuSample(read, models);
    }

    /**
     * Every pid of every model's process tree, to its model. Read for display, and for placement's attribution of
     * GPU memory, which the run loop receives as a message; nothing here decides anything.
     */
    private Map<Long, String> processOwners() {
        Map<Long, String> owners = new HashMap<>();
        RouterView view = router.view();
        if (view == null) {
            return owners;
        }
        for (ProcessView process : view.processes().values()) {
            process.pid().ifPresent(pid -> {
                String model = process.config().id();
                owners.put(pid, model);
                ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> owners.put(d.pid(), model)));
            });
        }
        return owners;
    }
}
