package io.modelswap.config;

import java.util.ArrayList;
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
}
