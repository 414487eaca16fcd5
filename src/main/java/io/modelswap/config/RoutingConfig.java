package io.modelswap.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How models share the machine: groups or the matrix, and the scheduler's priorities.
 *
 * @param router     {@link #GROUP} or {@link #MATRIX}
 * @param groups     every group, the automatic {@link GroupConfig#DEFAULT_ID} group included when it has members
 * @param matrix     the matrix when {@code router} is {@link #MATRIX}
 * @param priorities per-model FIFO priority (higher first; absent = 0)
 */
public record RoutingConfig(String router, List<GroupConfig> groups, Optional<MatrixConfig> matrix,
        Map<String, Integer> priorities) {

    public static final String GROUP = "group";
    public static final String MATRIX = "matrix";

    public RoutingConfig {
        groups = List.copyOf(groups);
        priorities = Map.copyOf(priorities);
    }

    public boolean isMatrix() {
        return MATRIX.equals(router);
    }

    public int priorityOf(String model) {
        return priorities.getOrDefault(model, 0);
    }
}
