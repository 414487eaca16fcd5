package io.modelswap.config;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps the expanded tree onto {@link LlamaSwapFile} with a fresh SmallRye builder, and turns SmallRye's errors (which
 * name property paths, never lines) back into located problems through an index path → node built alongside the
 * properties.
 *
 * <p>No default sources (environment, system properties) and no default interceptors: the builder sees the file
 * only, and must not expand {@code ${...}} ({@code ${PID}} survives to stop time).
 */
final class ConfigMapper {

    /** SmallRye names the property first in its messages: "The config property models.a.ttl with ...". */
    private static final Pattern PROPERTY = Pattern.compile("property (\\S+)");
    private static final int MAX_ATTEMPTS = 5;

    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, YNode> index = new HashMap<>();

    private ConfigMapper(YNode root) {
        flatten(root, "");
    }

    /** The node at a key path (as {@link Keys} spells it), or null. */
    static Map<String, YNode> index(YNode root) {
        return new ConfigMapper(root).index;
    }

    /**
     * Maps {@code root}. Each value SmallRye rejects is reported and then dropped, and the mapping retried, so the
     * rest of the file is still mapped and checked (one load reports every problem). Returns null only when the
     * mapping cannot be made at all.
     */
    static LlamaSwapFile map(YNode root, Problems problems) {
        ConfigMapper mapper = new ConfigMapper(root);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                return mapper.build();
            } catch (ConfigValidationException e) {
                boolean dropped = false;
                for (int i = 0; i < e.getProblemCount(); i++) {
                    dropped |= mapper.report(e.getProblem(i).getMessage(), problems);
                }
                if (!dropped) {
                    return null;
                }
            } catch (RuntimeException e) {
                if (!mapper.report(String.valueOf(e.getMessage()), problems)) {
                    return null;
                }
            }
        }
        return null;
    }

    private LlamaSwapFile build() {
        Map<String, String> source = new HashMap<>();
        properties.forEach((key, value) -> source.put(LlamaSwapFile.PREFIX + "." + key, value));
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(source, "llama-swap file", 100))
                .withMapping(LlamaSwapFile.class)
                .withValidateUnknown(false)
                .build();
        return config.getConfigMapping(LlamaSwapFile.class);
    }

    /** Reports one SmallRye message at its node's line and drops that value; false when nothing could be dropped. */
    private boolean report(String message, Problems problems) {
        Matcher m = PROPERTY.matcher(message);
        String property = m.find() ? m.group(1) : "";
        if (property.startsWith(LlamaSwapFile.PREFIX + ".")) {
            property = property.substring(LlamaSwapFile.PREFIX.length() + 1);
        }
        YNode node = nearest(property);
        String text = message.replaceFirst("^[\\w.]+Exception: ", "").replaceAll("SRCFG\\d+: ", "");
        int converted = text.indexOf("whilst being converted ");
        if (converted < 0) {
            converted = text.indexOf("threw an Exception whose message is ");
        }
        if (converted >= 0) {
            String value = node != null && node.isScalar() ? node.value() : "";
            text = "invalid value '" + value + "': " + text.substring(text.indexOf(' ', text.indexOf("converted")
                    >= 0 ? converted + 22 : converted + 35) + 1).replace("`", "");
        }
        if (node != null) {
            problems.error(node, property, text);
        } else {
            problems.error("", 0, property, text);
        }
        return properties.remove(property) != null;
    }

    /** The node of {@code property}, or of its closest ancestor that exists (a missing key has no line). */
    private YNode nearest(String property) {
        String path = property;
        while (!path.isEmpty()) {
            YNode node = index.get(path);
            if (node != null) {
                return node;
            }
            int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
            path = cut > 0 ? path.substring(0, cut) : "";
        }
        return null;
    }

    private void flatten(YNode node, String path) {
        if (!path.isEmpty()) {
            index.put(path, node);
        }
        if (node.isMap()) {
            node.entries().forEach((key, child) -> flatten(child, Keys.join(path, key)));
        } else if (node.isSeq()) {
            List<YNode> items = node.items();
            for (int i = 0; i < items.size(); i++) {
                flatten(items.get(i), path + "[" + i + "]");
            }
        } else if (!node.isNull() && !path.isEmpty()) {
            // SmallRye's converters know decimal only: give them 16, not 0x10, and true, not TRUE.
            boolean typed = node.type() == YNode.Type.INT || node.type() == YNode.Type.BOOL;
            properties.put(path, typed ? Scalars.canonical(node.type(), node.value()) : node.value());
        }
    }
}
