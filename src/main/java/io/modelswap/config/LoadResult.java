package io.modelswap.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of one load: a snapshot when there is no error, and every problem found either way.
 *
 * @param config     the snapshot; present iff {@code errors} is empty
 * @param errors     problems that reject the file, in the order found
 * @param warnings   problems that do not (unknown keys, dropped preload entries)
 * @param modelLocations model ID to the file and line where it is defined, in definition order
 * @param settings   settings of the file that the snapshot does not carry (store, performance, ui); present with
 *                   {@code config}
 */
public record LoadResult(Optional<SwapConfig> config, List<ConfigProblem> errors, List<ConfigProblem> warnings,
        Map<String, SourceLocation> modelLocations, Optional<ServerSettings> settings) {

    public LoadResult {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        modelLocations = OrderedMaps.copyOf(modelLocations);
        if (config.isPresent() != errors.isEmpty()) {
            throw new IllegalArgumentException("a config is present iff there is no error");
        }
    }

    static LoadResult failed(List<ConfigProblem> errors, List<ConfigProblem> warnings, Map<String, SourceLocation> lines) {
        return new LoadResult(Optional.empty(), errors, warnings, lines, Optional.empty());
    }

    /** Model ID to the line of its key (use {@link #modelLocations} when a config dir is in play). */
    public Map<String, Integer> modelLines() {
        Map<String, Integer> lines = new java.util.LinkedHashMap<>();
        modelLocations.forEach((id, at) -> lines.put(id, at.line()));
        return OrderedMaps.copyOf(lines);
    }

    public boolean ok() {
        return config.isPresent();
    }

    /** Every error on its own line, ready to log. */
    public String errorReport() {
        StringBuilder text = new StringBuilder();
        for (ConfigProblem problem : errors) {
            text.append(problem).append('\n');
        }
        return text.toString();
    }
}
