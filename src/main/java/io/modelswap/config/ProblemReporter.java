package io.modelswap.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way the semantic checks of a load report a problem: by key path ({@code models.a.ttl}), placed at the
 * line of the nearest key the file has (a missing key is reported where its parent is), in the load's
 * {@link Problems}. Also the small checks every concern uses (a minimum, one of a list, a URL) and the reads of the
 * tree the typed mapping does not give (whether a key is set at all, free-form mappings).
 */
final class ProblemReporter {

    private final YNode root;
    private final Map<String, YNode> index;
    private final Problems problems;

    ProblemReporter(YNode root, Problems problems) {
        this.root = root;
        this.index = ConfigMapper.index(root);
        this.problems = problems;
    }

    YNode root() {
        return root;
    }

    /** An error at {@code keyPath}, on the line of its nearest key in the file. */
    void error(String keyPath, String message) {
        problems.error(nearest(keyPath), keyPath, message);
    }

    /** An error about {@code keyPath}, on the line of {@code at}. */
    void error(YNode at, String keyPath, String message) {
        problems.error(at, keyPath, message);
    }

    /** A warning at {@code keyPath}: reported, but the configuration is still used. */
    void warn(String keyPath, String message) {
        problems.warn(nearest(keyPath), keyPath, message);
    }

    void atLeast(String keyPath, int value, int min) {
        if (value < min) {
            error(keyPath, "must be >= " + min + " (got " + value + ")");
        }
    }

    void oneOf(String keyPath, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            error(keyPath, "must be one of " + String.join(", ", allowed.stream().filter(a -> !a.isEmpty())
                    .toList()) + " (got '" + value + "')");
        }
    }

    void url(String keyPath, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                error(keyPath, "must be an absolute http(s) URL (got '" + value + "')");
            }
        } catch (java.net.URISyntaxException e) {
            error(keyPath, "invalid URL '" + value + "': " + e.getReason());
        }
    }

    /** The node at {@code keyPath}, null when the file does not have it. */
    YNode at(String keyPath) {
        return root.path(path(keyPath));
    }

    /** The node at {@code keyPath}, null when the file does not have it or sets it to null. */
    YNode node(String keyPath) {
        YNode node = at(keyPath);
        return node == null || node.isNull() ? null : node;
    }

    /** The mapping at {@code path} as Java values (metadata, setParams), empty when unset; reports a non-mapping. */
    Map<String, Object> freeForm(String path) {
        YNode node = at(path);
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isMap()) {
            problems.error(node, path, "must be a mapping");
            return Map.of();
        }
        return nonNull(node);
    }

    /** Java values of a mapping; null entries are dropped (the snapshot's immutable maps cannot hold them). */
    static Map<String, Object> nonNull(YNode map) {
        Map<String, Object> values = new LinkedHashMap<>();
        map.entries().forEach((key, child) -> {
            Object value = child.toJava();
            if (value != null) {
                values.put(key, value);
            }
        });
        return values;
    }

    /** Splits a key path as {@link Keys} spells it back into keys. */
    static String[] path(String keyPath) {
        List<String> keys = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        boolean quoted = false;
        for (char c : keyPath.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                keys.add(key.toString());
                key.setLength(0);
            } else {
                key.append(c);
            }
        }
        keys.add(key.toString());
        return keys.toArray(new String[0]);
    }

    private YNode nearest(String keyPath) {
        String p = keyPath;
        while (!p.isEmpty()) {
            YNode node = index.get(p);
            if (node != null) {
                return node;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut > 0 ? p.substring(0, cut) : "";
        }
        return root;
    }
}
