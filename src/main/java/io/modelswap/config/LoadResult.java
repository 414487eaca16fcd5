package io.modelswap.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of one load: a snapshot when there is no error, and every problem found either way.
 *
 * @param config     the snapshot; present iff {@code errors} is empty
 * @param errors     problems that reject the file, in the order found
 * @param warnings   problems that do not (unknown keys, dropped preload entries)
 * @param modelLocations model ID to the file and line where it is defined, in definition order
 * @param settings   settings of the file that the snapshot does not carry (store, performance, ui); present with
 *                   {@code config}
 * @param emptyOnPurpose top-level keys the file writes with an explicitly empty value ({@code models: {}},
 *                   {@code apiKeys: []}): what {@link ReloadGuard} takes as "on purpose"
 * @param ports      model ID to the {@code ${PORT}} it was given (models whose {@code cmd} uses it); a reload passes
 *                   it back to the loader so that ports stay stable ({@link PortAllocator})
 */
public record LoadResult(Optional<SwapConfig> config, List<ConfigProblem> errors, List<ConfigProblem> warnings,
        Map<String, SourceLocation> modelLocations, Optional<ServerSettings> settings, Set<String> emptyOnPurpose,
        Map<String, Integer> ports) {

    public LoadResult {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        modelLocations = OrderedMaps.copyOf(modelLocations);
        emptyOnPurpose = Set.copyOf(emptyOnPurpose);
        ports = Map.copyOf(ports);
        if (config.isPresent() != errors.isEmpty()) {
            throw new IllegalArgumentException("a config is present iff there is no error");
        }
    }

    static LoadResult failed(List<ConfigProblem> errors, List<ConfigProblem> warnings, Map<String, SourceLocation> lines) {
        return new LoadResult(Optional.empty(), errors, warnings, lines, Optional.empty(), Set.of(), Map.of());
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
