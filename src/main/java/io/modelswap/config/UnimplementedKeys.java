package io.modelswap.config;

import java.util.List;
import java.util.Map;

/**
 * llama-swap keys that modelswap parses and validates (so a llama-swap file loads unchanged) but does not act on yet.
 * Each present key gets one warning at load, with its line and what to use instead, so nobody tunes a setting that
 * does nothing. This list is the one place that knows: the feature that implements a key removes its entry (and its
 * row in docs/configuration.md's "Parsed, not acted on" table).
 */
final class UnimplementedKeys {

    /** A key path ({@code *} matches any one key, e.g. any model ID) and what to use instead. */
    record Entry(String path, String instead) {
    }

    static final List<Entry> ENTRIES = List.of(
            new Entry("logRequests", "deprecated in llama-swap: every request is logged anyway (the access log)"));

    private UnimplementedKeys() {
    }

    /** One warning per present key of {@link #ENTRIES} (a null value counts as absent). */
    static void warn(YNode root, Problems problems) {
        for (Entry entry : ENTRIES) {
            walk(root, entry.path().split("\\."), 0, "", entry, problems);
        }
    }

    private static void walk(YNode node, String[] keys, int depth, String path, Entry entry, Problems problems) {
        if (!node.isMap()) {
            return;
        }
        for (Map.Entry<String, YNode> child : node.entries().entrySet()) {
            if (!keys[depth].equals("*") && !keys[depth].equals(child.getKey())) {
                continue;
            }
            String childPath = Keys.join(path, child.getKey());
            if (depth + 1 < keys.length) {
                walk(child.getValue(), keys, depth + 1, childPath, entry, problems);
            } else if (!child.getValue().isNull()) {
                problems.warn(child.getValue(), childPath, "parsed but not acted on by modelswap yet; instead: "
                        + entry.instead());
            }
        }
    }
}
