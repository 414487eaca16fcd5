package io.modelswap.config;

import io.smallrye.config.WithName;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which keys llama-swap knows, read from {@link LlamaSwapFile} itself so the schema is written once. llama-swap
 * ignores unknown keys; here each one is a warning with its line, because a typo ({@code ttll}) otherwise silently
 * falls back to a default.
 */
final class KnownKeys {

    /** Keys (as {@code Interface.key}) whose contents are free-form, read from the tree rather than mapped. */
    static final Set<String> FREE_FORM = Set.of("LlamaSwapFile.macros", "Model.macros", "Model.metadata",
            "Model.sleep", "Model.slots",
            "Filters.setParams", "Filters.setParamsByID", "Selector.metadata");

    private KnownKeys() {
    }

    static boolean isKnownTopLevel(String key) {
        return members(LlamaSwapFile.class).containsKey(key) || FREE_FORM.contains("LlamaSwapFile." + key);
    }

    /** Warns about every key of {@code root} that the schema does not have. */
    static void warnUnknown(YNode root, Problems problems) {
        walk(root, LlamaSwapFile.class, "", problems);
    }

    private static void walk(YNode node, Type type, String path, Problems problems) {
        if (type instanceof Class<?> && ((Class<?>) type).isInterface()) {
            Class<?> group = (Class<?>) type;
            if (!node.isMap()) {
                return; // a wrong shape is a mapping error, reported by SmallRye or the validator
            }
            Map<String, Method> members = members(group);
            for (Map.Entry<String, YNode> entry : node.entries().entrySet()) {
                String key = entry.getKey();
                String childPath = Keys.join(path, key);
                if (FREE_FORM.contains(group.getSimpleName() + "." + key)) {
                    continue;
                }
                Method member = members.get(key);
                if (member == null) {
                    problems.warn(entry.getValue(), childPath, "unknown key, ignored");
                } else {
                    walk(entry.getValue(), member.getGenericReturnType(), childPath, problems);
                }
            }
        } else if (type instanceof ParameterizedType) {
            ParameterizedType generic = (ParameterizedType) type;
            Type raw = generic.getRawType();
            Type[] args = generic.getActualTypeArguments();
            if (raw == Optional.class) {
                walk(node, args[0], path, problems);
            } else if (raw == Map.class && node.isMap()) {
                node.entries().forEach((key, child) -> walk(child, args[1], Keys.join(path, key), problems));
            } else if (raw == List.class && node.isSeq()) {
                List<YNode> items = node.items();
                for (int i = 0; i < items.size(); i++) {
                    walk(items.get(i), args[0], path + "[" + i + "]", problems);
                }
            }
        }
    }

    /** Key name to member of one mapping interface: the method name, or its {@link WithName}. */
    static Map<String, Method> members(Class<?> group) {
        Map<String, Method> members = new LinkedHashMap<>();
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || java.lang.reflect.Modifier
                    .isStatic(method.getModifiers())) {
                continue;
            }
            WithName name = method.getAnnotation(WithName.class);
            members.put(name != null ? name.value() : method.getName(), method);
        }
        return members;
    }
}
