package io.modelswap.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Loads a llama-swap configuration: {@code ${env.X}} on the text of each file, SnakeYAML nodes, config-dir merge,
 * unknown-key warnings, macro expansion, SmallRye mapping, semantic validation, snapshot. Each stage reports and
 * carries on as far as it can, so one load lists every problem. Stateless and thread-safe.
 */
public final class ConfigLoader {

    private final Function<String, String> environment;
    /** The value of {@code ${MODELSWAP_BIN}}, fixed for the process. */
    private final String modelswapBin;
    private final IntPredicate portTaken;

    public ConfigLoader() {
        this(System::getenv);
    }

    /**
     * @param environment variable lookup for {@code ${env.NAME}} and {@code MODELSWAP_BIN} (tests pass a map's
     *                    {@code get})
     */
    public ConfigLoader(Function<String, String> environment) {
        this(environment, port -> false);
    }

    /**
     * @param environment variable lookup for {@code ${env.NAME}}
     * @param portTaken   whether someone else holds a port: {@code ${PORT}} skips it (the loader stays pure; the
     *                    caller decides what "held" means)
     */
    public ConfigLoader(Function<String, String> environment, IntPredicate portTaken) {
        this.environment = environment;
        this.modelswapBin = ModelswapBin.resolve(environment);
        this.portTaken = portTaken;
    }

    /**
     * Loads {@code configFile}, then merges the top-level {@code *.yml}/{@code *.yaml} files of {@code configDir} in
     * file-name order.
     */
    public LoadResult load(Path configFile, Optional<Path> configDir) {
        return load(configFile, configDir, Map.of());
    }

    /**
     * Loads as a reload: each model keeps the {@code ${PORT}} it has in {@code portsInForce} (the {@link
     * LoadResult#ports()} of the configuration in force), so an unchanged model is still unchanged.
     */
    public LoadResult load(Path configFile, Optional<Path> configDir, Map<String, Integer> portsInForce) {
        Problems problems = new Problems();
        List<Path> sources = new ArrayList<>();
        sources.add(configFile);
        if (configDir.isPresent()) {
            List<Path> dirFiles = ConfigFiles.yamlFilesIn(configDir.get());
            if (!Files.isDirectory(configDir.get())) {
                problems.error(configDir.get().toString(), 0, "", "config directory not found");
            }
            for (Path file : dirFiles) {
                if (sameFile(file, configFile)) {
                    problems.error(file.toString(), 0, "", "is both the config file and in the config directory;"
                            + " remove it from one");
                } else {
                    sources.add(file);
                }
            }
        }
        YNode merged = null;
        for (Path source : sources) {
            String name = source.toString();
            String text;
            try {
                text = Files.readString(source, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                problems.error(name, 0, "", "not found");
                continue;
            } catch (IOException e) {
                problems.error(name, 0, "", "cannot read: " + e.getMessage());
                continue;
            }
            YNode tree = parseOne(name, text, problems);
            if (tree == null) {
                continue;
            }
            if (merged == null) {
                merged = tree;
            } else {
                ConfigDirMerge.merge(merged, tree, problems);
            }
        }
        List<String> files = sources.stream().map(Path::toString).toList();
        if (merged == null) {
            // Nothing could be read: checking an empty tree would only add "models is required" to the real cause.
            return LoadResult.failed(Problems.sorted(problems.errors(), files), problems.warnings(), Map.of());
        }
        return finish(merged, problems, files, portsInForce);
    }

    /** Loads one file's text; {@code fileName} is only used in problems. */
    public LoadResult parse(String fileName, String yamlText) {
        return parse(fileName, yamlText, Map.of());
    }

    /** {@link #parse(String, String)} as a reload of a configuration whose models had {@code portsInForce}. */
    public LoadResult parse(String fileName, String yamlText, Map<String, Integer> portsInForce) {
        Problems problems = new Problems();
        YNode tree = parseOne(fileName, yamlText, problems);
        if (tree == null) {
            return LoadResult.failed(problems.errors(), problems.warnings(), Map.of());
        }
        return finish(tree, problems, List.of(fileName), portsInForce);
    }

    private YNode parseOne(String name, String text, Problems problems) {
        String substituted = EnvSubstitution.apply(name, text, environment, problems);
        return YamlTree.parse(name, substituted, problems);
    }

    /** @param files the sources in load order, the order in which their problems are listed */
    private LoadResult finish(YNode root, Problems problems, List<String> files,
            Map<String, Integer> portsInForce) {
        KnownKeys.warnUnknown(root, problems);
        UnimplementedKeys.warn(root, problems);
        Set<String> emptyOnPurpose = emptyOnPurpose(root);
        Map<String, SourceLocation> locations = new LinkedHashMap<>();
        YNode models = root.get("models");
        if (models != null && models.isMap()) {
            models.entries().forEach((id, model) -> locations.put(id, new SourceLocation(model.file(), model.line())));
        }
        Map<String, Integer> ports = Macros.expand(root, problems, portsInForce, modelswapBin, portTaken);
        LlamaSwapFile mapped = ConfigMapper.map(root, problems);
        ConfigValidator.Result result = mapped == null ? null : ConfigValidator.validate(root, mapped, problems);
        List<ConfigProblem> warnings = Problems.sorted(problems.warnings(), files);
        if (problems.hasErrors() || result == null) {
            List<ConfigProblem> errors = Problems.sorted(problems.errors(), files);
            if (errors.isEmpty()) {
                errors = List.of(new ConfigProblem(root.file(), 0, "", "the file could not be mapped"));
            }
            return LoadResult.failed(errors, warnings, locations);
        }
        return new LoadResult(Optional.of(result.config()), List.of(), warnings, locations,
                Optional.of(result.settings()), emptyOnPurpose, ports);
    }

    /** The top-level keys written with an explicitly empty value ({@code models: {}}, {@code apiKeys: []}). */
    private static Set<String> emptyOnPurpose(YNode root) {
        Set<String> keys = new TreeSet<>();
        root.entries().forEach((key, value) -> {
            if (value.isMap() && value.entries().isEmpty() || value.isSeq() && value.items().isEmpty()) {
                keys.add(key);
            }
        });
        return keys;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}
