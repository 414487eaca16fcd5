package io.modelswap.it;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One version of the reload tests' configuration: fake-upstream models (entries written by {@link TestConfig}), each
 * on a fixed port for the whole test run (handed over in the system properties {@code fake.port.<model>}, which the
 * test resource and the test class both see), and legacy {@code groups}. Immutable: every change returns a new
 * version.
 */
final class ReloadConfig {

    /** Every model the tests may put in the configuration, in the order they are written. */
    static final List<String> ALL = List.of("steady", "changing", "doomed", "rapid", "newcomer", "g1", "g2", "x",
            "hog", "ported", "a-ported");
    /** Models whose cmd takes {@code ${PORT}} (the others get fixed ports): modelswap allocates theirs. */
    static final List<String> PORTED = List.of("ported", "a-ported");
    /** Streams of these fakes send two chunks and hold until {@code POST /release}. */
    static final String HOLD = "--hold-after 2 --tokens 6 --token-delay-ms 0";
    private static final String PORT_PROPERTY = "fake.port.";
    private static final String START_PORT_PROPERTY = "fake.startPort";
    /** Each write gets a later mtime than the previous one, so the poller sees it even at the same size. */
    private static final AtomicLong MTIME = new AtomicLong(System.currentTimeMillis());

    private record Model(String flags, List<String> extra) {
    }

    private record Group(boolean swap, List<String> members) {
    }

    private final Map<String, Model> models;
    private final Map<String, Group> groups;
    private final List<String> globals;

    private ReloadConfig(Map<String, Model> models, Map<String, Group> groups, List<String> globals) {
        this.models = models;
        this.groups = groups;
        this.globals = globals;
    }

    /** Picks a free port for every model once per JVM, and a free {@code startPort} for the {@link #PORTED}. */
    static void allocatePorts() {
        for (String id : ALL) {
            if (System.getProperty(PORT_PROPERTY + id) == null) {
                System.setProperty(PORT_PROPERTY + id, Integer.toString(FakeUpstream.freePort()));
            }
        }
        if (System.getProperty(START_PORT_PROPERTY) == null) {
            System.setProperty(START_PORT_PROPERTY, Integer.toString(FakeUpstream.freePort()));
        }
    }

    static int port(String model) {
        return Integer.parseInt(System.getProperty(PORT_PROPERTY + model));
    }

    /**
     * What every test starts from: models that may all run together, except the {@code pair} group
     * ({@code swap: false} until a test flips it) and the {@code race} group, where {@code x} evicts {@code hog},
     * which ignores SIGTERM and so takes its whole 5 s grace to stop.
     */
    static ReloadConfig baseline() {
        return new ReloadConfig(new LinkedHashMap<>(), new LinkedHashMap<>(), List.of("healthCheckTimeout: 30",
                "startPort: " + System.getProperty(START_PORT_PROPERTY)))
                .with("steady", HOLD, "unloadTimeout: 30")
                .with("changing", HOLD, "unloadTimeout: 30")
                .with("doomed", HOLD, "unloadTimeout: 30")
                .with("rapid", "--token-delay-ms 0")
                .with("g1", "").with("g2", "")
                .with("x", "").with("hog", "--ignore-sigterm", "unloadTimeout: 5")
                .with("ported", "")
                .group("free", false, "steady", "changing", "doomed", "rapid", "newcomer", "ported", "a-ported")
                .group("pair", false, "g1", "g2")
                .group("race", true, "x", "hog");
    }

    /** Adds or redefines a model: the fake with these flags plus extra YAML lines under the model. */
    ReloadConfig with(String id, String flags, String... extra) {
        Map<String, Model> next = new LinkedHashMap<>(models);
        next.put(id, new Model(flags, List.of(extra)));
        return new ReloadConfig(next, groups, globals);
    }

    ReloadConfig without(String id) {
        Map<String, Model> next = new LinkedHashMap<>(models);
        next.remove(id);
        return new ReloadConfig(next, groups, globals);
    }

    ReloadConfig group(String id, boolean swap, String... members) {
        Map<String, Group> next = new LinkedHashMap<>(groups);
        next.put(id, new Group(swap, List.of(members)));
        return new ReloadConfig(models, next, globals);
    }

    ReloadConfig groupSwap(String id, boolean swap) {
        return group(id, swap, groups.get(id).members().toArray(String[]::new));
    }

    /** How many models this version defines. */
    int modelCount() {
        return models.size();
    }

    String yaml() {
        StringBuilder yaml = new StringBuilder();
        globals.forEach(line -> yaml.append(line).append('\n'));
        yaml.append("models:\n");
        models.forEach((id, model) -> {
            String port = PORTED.contains(id) ? "${PORT}" : Integer.toString(port(id));
            yaml.append(TestConfig.entry(id, TestConfig.fakeOn(port, id, model.flags()), port,
                    model.extra().toArray(String[]::new)));
        });
        yaml.append("groups:\n");
        groups.forEach((id, group) -> {
            List<String> present = new ArrayList<>(group.members());
            present.retainAll(models.keySet());
            if (!present.isEmpty()) {
                yaml.append("  ").append(id).append(":\n")
                        .append("    swap: ").append(group.swap()).append('\n')
                        .append("    exclusive: false\n")
                        .append("    members: [").append(String.join(", ", present)).append("]\n");
            }
        });
        return yaml.toString();
    }

    /** The 1-based line of the first line of {@link #yaml()} that equals {@code text} once stripped. */
    int lineOf(String text) {
        String[] lines = yaml().split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].strip().equals(text)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(text + " is not in the configuration");
    }

    /**
     * Replaces {@code target} (following symlinks to the real file) by this version in one atomic rename, so the
     * poller never reads half a file, with an mtime later than any earlier write.
     */
    void writeTo(Path target) {
        try {
            Path real = target.toRealPath();
            writeAtomically(real, yaml());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), ".edit-", ".tmp");
        Files.writeString(temp, text);
        Files.setLastModifiedTime(temp, FileTime.fromMillis(MTIME.addAndGet(1000)));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
