package io.modelswap.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of one load: the loader keeps going after an error so a user sees all of them at once. */
final class Problems {

    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    void error(String file, int line, String path, String message) {
        add(errors, new ConfigProblem(file, line, path, message));
    }

    void error(YNode at, String path, String message) {
        error(at.file(), at.line(), path, message);
    }

    void warn(YNode at, String path, String message) {
        add(warnings, new ConfigProblem(at.file(), at.line(), path, message));
    }

    // The same problem can be reached by two routes (e.g. SmallRye and a semantic check); say it once.
    private static void add(List<ConfigProblem> list, ConfigProblem problem) {
        if (!list.contains(problem)) {
            list.add(problem);
        }
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<ConfigProblem> errors() {
        return List.copyOf(errors);
    }

    List<ConfigProblem> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * {@code problems} ordered as a person reads the files: by file in {@code files} order (others after them, by
     * name), then by line; problems of one line keep the order they were found in.
     */
    static List<ConfigProblem> sorted(List<ConfigProblem> problems, List<String> files) {
        List<ConfigProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.<ConfigProblem>comparingInt(p -> {
            int index = files.indexOf(p.file());
            return index < 0 ? Integer.MAX_VALUE : index;
        }).thenComparing(ConfigProblem::file).thenComparingInt(ConfigProblem::line));
        return List.copyOf(sorted);
    }
}
