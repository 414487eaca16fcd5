package io.modelswap.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Small helpers to read the files under {@code docker/} as plain YAML trees and text. */
final class Manifests {

    /** The repository's {@code docker/} directory (tests run with the project directory as working directory). */
    static final Path DOCKER = Path.of("docker");
    static final Path KUBERNETES = DOCKER.resolve("kubernetes");

    private Manifests() {
    }

    static String read(Path file) {
        assertTrue(Files.isRegularFile(file), file + " is missing");
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a YAML file, parsed safely (no custom tags). */
    static List<Object> loadAll(Path file) {
        List<Object> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(read(file))) {
            if (doc != null) {
                docs.add(doc);
            }
        }
        return docs;
    }

    static Object load(String text) {
        return yaml().load(text);
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String what) {
        assertInstanceOf(Map.class, node, what + " is not a map: " + node);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node, String what) {
        assertInstanceOf(List.class, node, what + " is not a list: " + node);
        return (List<Object>) node;
    }

    /** {@code path} is dot-separated keys; every step must exist. */
    static Object at(Map<String, Object> root, String path) {
        Object node = root;
        String seen = "";
        for (String key : path.split("\\.")) {
            Map<String, Object> m = map(node, seen.isEmpty() ? "document" : seen);
            seen = seen.isEmpty() ? key : seen + "." + key;
            assertTrue(m.containsKey(key), "missing " + seen);
            node = m.get(key);
        }
        return node;
    }

    static Map<String, Object> mapAt(Map<String, Object> root, String path) {
        return map(at(root, path), path);
    }

    static List<Object> listAt(Map<String, Object> root, String path) {
        return list(at(root, path), path);
    }

    /** The one entry of {@code items} whose {@code name} is {@code name}. */
    static Map<String, Object> named(List<Object> items, String name, String what) {
        return items.stream().map(i -> map(i, what)).filter(i -> name.equals(i.get("name"))).findFirst()
                .orElseGet(() -> fail("no " + what + " named " + name + " in " + items));
    }

    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    /**
     * A duration as modelswap (Quarkus' DurationConverter) reads it: a plain number is seconds, {@code 500ms},
     * {@code 20s}, {@code 2m}, {@code 1h}, {@code 1d}, combinations like {@code 1m30s}, or ISO-8601 ({@code PT20S}).
     */
    static Duration duration(String text) {
        String value = text.trim();
        if (value.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
            return Duration.parse(value);
        }
        Matcher m = GO_DURATION.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            double amount = Double.parseDouble(m.group(1));
            long unitMillis = switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
            };
            total = total.plusMillis(Math.round(amount * unitMillis));
            end = m.end();
        }
        assertEquals(value.length(), end, "not a duration: " + text);
        assertTrue(end > 0, "not a duration: " + text);
        return total;
    }
}
