package io.modelswap.config;

/**
 * One problem found while loading the user's configuration, located in its source.
 *
 * @param file    file name as given to the loader (the config file or a config-dir file)
 * @param line    1-based line; 0 when the problem has no single place (a missing file): then no line is shown
 * @param keyPath dotted key path, keys that contain a dot in double quotes ({@code models."llama3.1:8b".ttl});
 *                empty for problems of the file as a whole
 * @param message what is wrong, for a person
 */
public record ConfigProblem(String file, int line, String keyPath, String message) {

    /** {@code file:line: key.path: message} ({@code file: message} without a line), as every log line shows it. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (!keyPath.isEmpty()) {
            text.append(keyPath).append(": ");
        }
        return text.append(message).toString();
    }
}
