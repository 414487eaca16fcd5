package io.modelswap.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one builder of test configurations: a llama-swap YAML file of fake upstreams (each on its own free port) plus
 * the Quarkus properties modelswap is started with. The in-process tests' resources ({@link TestConfigResource}), the
 * packaged-jar ITs and the reload tests all write their models through it, so a model entry is spelled in one place.
 *
 * <pre>{@code
 * TestConfig.models().globals("apiKeys: [k]").model("alpha", "--tokens 3", "aliases: [a]")
 *         .property("modelswap.proxy.max-body-size", "1M")
 * }</pre>
 */
public final class TestConfig {

    /** What every test configuration starts with: long enough for a fake's JVM to start on a loaded machine. */
    private static final int HEALTH_CHECK_TIMEOUT = 15;

    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final StringBuilder globals = new StringBuilder();
    private final StringBuilder models = new StringBuilder();
    private int healthCheckTimeout = HEALTH_CHECK_TIMEOUT;
    private volatile Path file;

    private TestConfig() {
    }

    /** An empty configuration: {@code healthCheckTimeout: 15} and no models yet. */
    public static TestConfig models() {
        return new TestConfig();
    }

    public TestConfig healthCheckTimeout(int seconds) {
        this.healthCheckTimeout = seconds;
        return this;
    }

    /** Top-level YAML (one or more lines), written after {@code healthCheckTimeout} and before {@code models:}. */
    public TestConfig globals(String yaml) {
        globals.append(yaml.strip()).append('\n');
        return this;
    }

    /** Adds a model running the fake upstream with {@code flags}, plus extra YAML lines for the model. */
    public TestConfig model(String id, String flags, String... extraLines) {
        int port = FakeUpstream.freePort();
        ports.put(id, port);
        models.append(entry(id, fakeOn(Integer.toString(port), id, flags), Integer.toString(port), extraLines));
        return this;
    }

    /** Adds a model with its own {@code cmd} (not the fake), its proxy on a free port given to the cmd as ${PORT}. */
    public TestConfig command(String id, String cmd, String... extraLines) {
        int port = FakeUpstream.freePort();
        ports.put(id, port);
        models.append(entry(id, cmd.replace("${PORT}", Integer.toString(port)), Integer.toString(port), extraLines));
        return this;
    }

    /** A Quarkus property modelswap starts with (a {@code modelswap.*} setting beyond the YAML file). */
    public TestConfig property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** The fake upstream's command line with {@code flags} (for a {@link #command} that wraps it). */
    public static String fake(String... flags) {
        return FakeUpstream.command(flags);
    }

    /** The fake serving {@code id} on {@code port} (a number or {@code ${PORT}}) with {@code flags}. */
    public static String fakeOn(String port, String id, String flags) {
        return FakeUpstream.command(("--port " + port + " --model-name " + id + " " + flags).trim().split(" "));
    }

    /** One entry under {@code models:}: its cmd, its proxy on 127.0.0.1:{@code port}, and extra lines. */
    public static String entry(String id, String cmd, String port, String... extraLines) {
        StringBuilder yaml = new StringBuilder()
                .append("  ").append(id).append(":\n")
                .append("    cmd: ").append(cmd).append('\n')
                .append("    proxy: http://127.0.0.1:").append(port).append('\n');
        for (String line : extraLines) {
            yaml.append("    ").append(line).append('\n');
        }
        return yaml.toString();
    }

    public int port(String model) {
        return ports.get(model);
    }

    public String yaml() {
        return "healthCheckTimeout: " + healthCheckTimeout + '\n' + globals + "models:\n" + models;
    }

    /** A fresh temporary directory, for the files a configuration points at (key files, scripts, slots). */
    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code text} to {@code file} (a key file, a list a fake script reads) and returns the file. */
    public static Path writeFile(Path file, String text) {
        try {
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an executable shell script (a scripted {@code nvidia-smi}, say) and returns it. */
    public static Path writeScript(Path file, String text) {
        writeFile(file, text);
        if (!file.toFile().setExecutable(true)) {
            throw new IllegalStateException("cannot make " + file + " executable");
        }
        return file;
    }

    /** Writes the configuration into a fresh temporary directory and returns the file. */
    public Path write() {
        try {
            Path written = tempDir("modelswap-test").resolve("config.yaml");
            Files.writeString(written, yaml());
            file = written;
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file of the last {@link #write()} (a test may rewrite it and reload), or null before. */
    public Path file() {
        return file;
    }

    /** Writes the file and returns what modelswap starts with: {@code modelswap.config} and the properties. */
    public Map<String, String> start() {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.put("modelswap.config", write().toString());
        return all;
    }
}
