package io.modelswap.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the top-level {@code resources} key and each model's {@code resources} into a {@link ResourcesConfig}:
 * sizes parsed, GPU references checked, a first guess taken from GGUF files, and the warnings that can be given before
 * anything runs (a model that can never fit; one that will not fit next to a pinned model).
 */
final class ResourcesReader {

    private final ProblemReporter report;
    private final LlamaSwapFile file;

    ResourcesReader(ProblemReporter report, LlamaSwapFile file) {
        this.report = report;
        this.file = file;
    }

    /** Placement is on when the file has a top-level {@code resources} key ({@code resources: {}} maps to nothing). */
    ResourcesConfig read(Map<String, ModelConfig> models, RoutingConfig routing) {
        boolean present = report.at("resources") != null;
        Optional<LlamaSwapFile.Resources> top = file.resources();
        if (!present) {
            for (String id : models.keySet()) {
                if (file.models().get(id) != null && file.models().get(id).resources().isPresent()) {
                    report.warn("models." + id + ".resources",
                            "ignored: memory-aware placement is off without a top-level 'resources' key");
                }
            }
            return ResourcesConfig.OFF;
        }
        long reserve = size("resources.reserve", top.flatMap(LlamaSwapFile.Resources::reserve).orElse("0"));
        List<ResourcesConfig.Gpu> gpus = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        List<LlamaSwapFile.Gpu> declared = top.flatMap(LlamaSwapFile.Resources::gpus).orElse(List.of());
        for (int i = 0; i < declared.size(); i++) {
            String path = "resources.gpus[" + i + "]";
            LlamaSwapFile.Gpu g = declared.get(i);
            long memory = size(path + ".memory", g.memory());
            if (g.id() < 0 || !ids.add(g.id())) {
                error(path + ".id", "must be a GPU index >= 0, each listed once (got " + g.id() + ")");
            } else if (memory > 0 && memory <= reserve) {
                error(path + ".memory", ByteSize.format(memory) + " leaves nothing beside resources.reserve ("
                        + ByteSize.format(reserve) + ")");
            } else if (memory > 0) {
                gpus.add(new ResourcesConfig.Gpu(g.id(), memory));
            }
        }
        Map<String, ResourcesConfig.ModelResources> perModel = new LinkedHashMap<>();
        for (ModelConfig model : models.values()) {
            ResourcesConfig.ModelResources r = model(model, ids);
            if (r != null) {
                perModel.put(model.id(), r);
            }
        }
        ResourcesConfig config = new ResourcesConfig(true, gpus, reserve, perModel);
        if (!gpus.isEmpty()) {
            warnNeverFits(config);
            warnNextToPinned(config, routing);
        }
        return config;
    }

    private ResourcesConfig.ModelResources model(ModelConfig model, Set<Integer> declaredGpus) {
        String path = "models." + model.id() + ".resources";
        Optional<LlamaSwapFile.ModelResources> mapped = Optional.ofNullable(file.models().get(model.id()))
                .flatMap(LlamaSwapFile.Model::resources);
        long declared = mapped.flatMap(LlamaSwapFile.ModelResources::memory).map(s -> size(path + ".memory", s))
                .orElse(0L);
        List<Integer> gpus = mapped.flatMap(LlamaSwapFile.ModelResources::gpus).orElse(null);
        if (gpus != null) {
            for (int i = 0; i < gpus.size(); i++) {
                int id = gpus.get(i);
                if (id < 0 || (!declaredGpus.isEmpty() && !declaredGpus.contains(id))) {
                    error(path + ".gpus[" + i + "]", "GPU " + id + " is not among resources.gpus "
                            + declaredGpus);
                }
            }
        } else {
            gpus = cudaVisibleDevices(model.env());
        }
        Optional<GgufGuess.Guess> guess = declared > 0 ? Optional.empty() : GgufGuess.of(model.cmd());
        if (declared == 0 && guess.isEmpty() && gpus.isEmpty()) {
            return null;
        }
        return new ResourcesConfig.ModelResources(declared, guess.map(GgufGuess.Guess::bytes).orElse(0L),
                guess.map(GgufGuess.Guess::file).orElse(""), List.copyOf(new java.util.TreeSet<>(gpus)));
    }

    /** The indexes in the model's {@code CUDA_VISIBLE_DEVICES}; empty when unset or not plain indexes (UUIDs). */
    static List<Integer> cudaVisibleDevices(List<String> env) {
        List<Integer> out = new ArrayList<>();
        for (String entry : env) {
            if (entry.startsWith("CUDA_VISIBLE_DEVICES=")) {
                out.clear();
                for (String part : entry.substring("CUDA_VISIBLE_DEVICES=".length()).split(",")) {
                    try {
                        out.add(Integer.parseInt(part.strip()));
                    } catch (NumberFormatException e) {
                        return List.of();
                    }
                }
            }
        }
        return out;
    }

    /** A model whose declared memory exceeds its GPUs even when they hold nothing else is refused at every request. */
    private void warnNeverFits(ResourcesConfig config) {
        config.models().forEach((id, r) -> {
            if (r.declared() == 0) {
                return;
            }
            List<ResourcesConfig.Gpu> on = gpusOf(config, r);
            long share = r.declared() / Math.max(1, on.size());
            for (ResourcesConfig.Gpu g : on) {
                if (share > g.memory() - config.reserve()) {
                    warn("models." + id + ".resources.memory", ByteSize.format(r.declared())
                            + " will never fit: GPU " + g.id() + " has " + ByteSize.format(g.memory()) + ", "
                            + ByteSize.format(config.reserve()) + " reserved; requests for it are refused (503)");
                    return;
                }
            }
        });
    }

    /** The advisory of pinned (persistent) groups: said before anything loads, never blocking. */
    private void warnNextToPinned(ResourcesConfig config, RoutingConfig routing) {
        if (routing.isMatrix()) {
            return;
        }
        Set<String> pinned = new HashSet<>();
        routing.groups().stream().filter(GroupConfig::persistent).forEach(g -> pinned.addAll(g.members()));
        config.models().forEach((id, r) -> {
            if (r.declared() == 0 || pinned.contains(id)) {
                return;
            }
            for (String p : pinned) {
                ResourcesConfig.ModelResources pr = config.models().get(p);
                if (pr == null || pr.declared() == 0) {
                    continue;
                }
                for (ResourcesConfig.Gpu g : gpusOf(config, r)) {
                    List<ResourcesConfig.Gpu> pinnedOn = gpusOf(config, pr);
                    if (!pinnedOn.contains(g)) {
                        continue;
                    }
                    long together = r.declared() / Math.max(1, gpusOf(config, r).size())
                            + pr.declared() / Math.max(1, pinnedOn.size());
                    if (together > g.memory() - config.reserve()) {
                        warn("models." + id + ".resources.memory", ByteSize.format(r.declared())
                                + " will not fit next to pinned model " + p + " (" + ByteSize.format(pr.declared())
                                + ") on GPU " + g.id() + " (" + ByteSize.format(g.memory() - config.reserve())
                                + " usable); it is loaded anyway when asked for");
                        return;
                    }
                }
            }
        });
    }

    private static List<ResourcesConfig.Gpu> gpusOf(ResourcesConfig config, ResourcesConfig.ModelResources r) {
        return config.gpus().stream().filter(g -> r.gpus().isEmpty() || r.gpus().contains(g.id())).toList();
    }

    private long size(String path, String text) {
        long bytes = ByteSize.parse(text);
        if (bytes < 0) {
            error(path, "must be a size such as 24GiB, 512MiB or 80GB (got '" + text + "')");
            return 0;
        }
        return bytes;
    }

    private void error(String path, String message) {
        report.error(path, message);
    }

    private void warn(String path, String message) {
        report.warn(path, message);
    }
}
