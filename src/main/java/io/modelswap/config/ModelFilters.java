package io.modelswap.config;

import java.util.List;
import java.util.Map;

/**
 * Request-body rewrites of a model ({@code filters:}). {@code model} is never stripped or set.
 *
 * @param stripParams   top-level JSON keys removed before proxying
 * @param setParams     top-level JSON keys set (any JSON value) before proxying
 * @param setParamsByID per requested ID (each also an alias of the model): keys set after {@code setParams}
 */
public record ModelFilters(List<String> stripParams, Map<String, Object> setParams,
        Map<String, Map<String, Object>> setParamsByID) {

    public static final ModelFilters NONE = new ModelFilters(List.of(), Map.of(), Map.of());

    public ModelFilters {
        stripParams = List.copyOf(stripParams);
        setParams = Map.copyOf(setParams);
        setParamsByID = Map.copyOf(setParamsByID);
    }

    public boolean isEmpty() {
        return stripParams.isEmpty() && setParams.isEmpty() && setParamsByID.isEmpty();
    }
}
