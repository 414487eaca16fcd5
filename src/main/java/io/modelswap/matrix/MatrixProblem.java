package io.modelswap.matrix;

/**
 * One thing wrong with a matrix config.
 *
 * @param key     the config path of the offending entry ({@code sets.full}, {@code vars.g}, {@code evict_costs.x});
 *                the config loader maps it to a file and line
 * @param message what is wrong, for a human
 */
public record MatrixProblem(String key, String message) {
}
