package io.modelswap.config;

import java.util.Map;
import java.util.Set;

/**
 * Merges a config-dir file into the tree loaded so far, with llama-swap's rules (#873): identity maps (each child a
 * separate entity) refuse a child defined twice; other maps merge recursively; sequences concatenate; equal scalars
 * agree, differing ones conflict; a null yields to the other side. Problems name the file and line of the later,
 * conflicting entry.
 */
final class ConfigDirMerge {

    /** Dotted paths whose children name entities; a child defined in two files is a mistake, not an override. */
    static final Set<String> IDENTITY_MAPS = Set.of("models", "groups", "profiles", "selectors", "peers", "matrix",
            "routing.router.settings.groups", "routing.router.settings.matrix");

    private ConfigDirMerge() {
    }

    /** Merges {@code src} into {@code dst} (both root mappings) in place. */
    static void merge(YNode dst, YNode src, Problems problems) {
        mergeMaps(dst, src, "", "", problems);
    }

    /** {@code plain} is the path to match {@link #IDENTITY_MAPS}; {@code path} the one shown to the user. */
    private static void mergeMaps(YNode dst, YNode src, String plain, String path, Problems problems) {
        for (Map.Entry<String, YNode> entry : src.entries().entrySet()) {
            String key = entry.getKey();
            String childPlain = plain.isEmpty() ? key : plain + "." + key;
            String childPath = Keys.join(path, key);
            YNode srcValue = entry.getValue();
            YNode dstValue = dst.get(key);
            if (dstValue == null) {
                dst.entries().put(key, srcValue);
            } else if (IDENTITY_MAPS.contains(childPlain) && !dstValue.isNull() && !srcValue.isNull()) {
                mergeIdentity(dstValue, srcValue, childPath, problems);
            } else {
                dst.entries().put(key, mergeValue(dstValue, srcValue, childPlain, childPath, problems));
            }
        }
    }

    private static void mergeIdentity(YNode dst, YNode src, String path, Problems problems) {
        if (!dst.isMap() || !src.isMap()) {
            problems.error(src, path, "expected a mapping to merge with the one at " + where(dst));
            return;
        }
        for (Map.Entry<String, YNode> entry : src.entries().entrySet()) {
            YNode previous = dst.get(entry.getKey());
            if (previous != null) {
                problems.error(entry.getValue(), path + "." + Keys.quote(entry.getKey()),
                        "already defined at " + where(previous));
            } else {
                dst.entries().put(entry.getKey(), entry.getValue());
            }
        }
    }

    /** The merged value to store under the key (the destination node itself unless it was a null). */
    private static YNode mergeValue(YNode dst, YNode src, String plain, String path, Problems problems) {
        if (dst.isNull()) {
            return src;
        }
        if (src.isNull()) {
            return dst;
        }
        if (dst.isMap() && src.isMap()) {
            mergeMaps(dst, src, plain, path, problems);
        } else if (dst.isSeq() && src.isSeq()) {
            dst.items().addAll(src.items());
        } else if (dst.isScalar() && src.isScalar()) {
            if (dst.type() != src.type() || !dst.value().equals(src.value())) {
                problems.error(src, path, "conflicts with the different value at " + where(dst));
            }
        } else {
            problems.error(src, path, "a " + kind(src) + " cannot merge with the " + kind(dst) + " at " + where(dst));
        }
        return dst;
    }

    private static String kind(YNode node) {
        return node.isMap() ? "mapping" : node.isSeq() ? "list" : "scalar";
    }

    private static String where(YNode node) {
        return node.file() + ":" + node.line();
    }
}
