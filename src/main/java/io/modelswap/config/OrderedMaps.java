package io.modelswap.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable copies that keep definition order, which {@link Map#copyOf} does not. */
public final class OrderedMaps {

    private OrderedMaps() {
    }

    public static <K, V> Map<K, V> copyOf(Map<K, V> source) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(source));
    }
}
