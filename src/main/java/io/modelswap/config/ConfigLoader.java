package io.modelswap.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Loads a llama-swap configuration: {@code ${env.X}} on the text of each file, SnakeYAML nodes, config-dir merge,
 * unknown-key warnings, macro expansion, SmallRye mapping, semantic validation, snapshot. Each stage reports and
 * carries on as far as it can, so one load lists every problem. Stateless and thread-safe.
 */
public final class ConfigLoader {

    private final Function<String, String> environment;
    private final IntPredicate portTaken;

    public ConfigLoader() {
        this(System::getenv);
    }

    /** @param environment variable lookup for {@code ${env.NAME}} (tests pass a map's {@code get}) */
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
        this.portTaken = portTaken;
    }

    /**
     * Loads {@code configFile}, then merges the top-level {@code *.yml}/{@code *.yaml} files of {@code configDir} in
     * file-name order.
     */
    public LoadResult load(Path configFile, Optional<Path> configDir) {
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
        return finish(merged == null ? YNode.map(configFile.toString(), 1) : merged, problems);
    }

    /** Loads one file's text; {@code fileName} is only used in problems. */
    public LoadResult parse(String fileName, String yamlText) {
        Problems problems = new Problems();
        YNode tree = parseOne(fileName, yamlText, problems);
        return finish(tree == null ? YNode.map(fileName, 1) : tree, problems);
    }

    private YNode parseOne(String name, String text, Problems problems) {
        String substituted = EnvSubstitution.apply(name, text, environment, problems);
        return YamlTree.parse(name, substituted, problems);
    }

    private LoadResult finish(YNode root, Problems problems) {
        KnownKeys.warnUnknown(root, problems);
        Map<String, SourceLocation> locations = new LinkedHashMap<>();
        YNode models = root.get("models");
        if (models != null && models.isMap()) {
            models.entries().forEach((id, model) -> locations.put(id, new SourceLocation(model.file(), model.line())));
        }
        Macros.expand(root, problems, portTaken);
        LlamaSwapFile mapped = ConfigMapper.map(root, problems);
        ConfigValidator.Result result = mapped == null ? null : ConfigValidator.validate(root, mapped, problems);
        if (problems.hasErrors() || result == null) {
            List<ConfigProblem> errors = problems.errors();
            if (errors.isEmpty()) {
                errors = List.of(new ConfigProblem(root.file(), 0, "", "the file could not be mapped"));
            }
            return LoadResult.failed(errors, problems.warnings(), locations);
        }
        return new LoadResult(Optional.of(result.config()), List.of(), problems.warnings(), locations,
                Optional.of(result.settings()));
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}
