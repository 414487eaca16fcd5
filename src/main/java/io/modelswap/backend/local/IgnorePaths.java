package io.modelswap.backend.local;

import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code upstream.ignorePaths} compiled once per configuration (the list is validated as regular expressions at load,
 * so compiling cannot fail here): the last list seen and its patterns, replaced when a reload brings another list.
 * Matched as llama-swap does, anywhere in the path under {@code /upstream/<model>} (RE2's {@code MatchString}).
 */
final class IgnorePaths {

    private record Compiled(List<String> source, List<Pattern> patterns) {
    }

    private volatile Compiled compiled = new Compiled(List.of(), List.of());

    boolean matches(List<String> expressions, String path) {
        Compiled current = compiled;
        if (current.source() != expressions) {
            current = new Compiled(expressions, expressions.stream().map(Pattern::compile).toList());
            compiled = current;
        }
        for (Pattern pattern : current.patterns()) {
            if (pattern.matcher(path).find()) {
                return true;
            }
        }
        return false;
    }
}
