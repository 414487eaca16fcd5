package io.modelswap.it;

import io.modelswap.testing.FakeUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A llama-swap configuration of fake upstreams, each on its own free port, written to a temporary file. Shared by the
 * in-process tests and the tests that launch the packaged application.
 */
public final class FakeModels {

    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final StringBuilder yaml = new StringBuilder();

    public FakeModels(String globals) {
        yaml.append(globals).append('\n').append("models:\n");
    }

    /** Adds a model running the fake upstream with {@code flags}, plus extra YAML lines for the model. */
    public FakeModels model(String id, String flags, String... extraLines) {
        int port = FakeUpstream.freePort();
        ports.put(id, port);
        String cmd = FakeUpstream.command(("--port " + port + " --model-name " + id + " " + flags).trim().split(" "));
        yaml.append("  ").append(id).append(":\n")
                .append("    cmd: ").append(cmd).append('\n')
                .append("    proxy: http://127.0.0.1:").append(port).append('\n');
        for (String line : extraLines) {
            yaml.append("    ").append(line).append('\n');
        }
        return this;
    }

    /** Adds a model with its own {@code cmd} (not the fake), its proxy on a free port given to the cmd as ${PORT}. */
    public FakeModels command(String id, String cmd, String... extraLines) {
        int port = FakeUpstream.freePort();
        ports.put(id, port);
        yaml.append("  ").append(id).append(":\n")
                .append("    cmd: ").append(cmd.replace("${PORT}", Integer.toString(port))).append('\n')
                .append("    proxy: http://127.0.0.1:").append(port).append('\n');
        for (String line : extraLines) {
            yaml.append("    ").append(line).append('\n');
        }
        return this;
    }

    /** The fake upstream's command line with {@code flags} (for a {@link #command} that wraps it). */
    public static String fake(String... flags) {
        return FakeUpstream.command(flags);
    }

    public int port(String model) {
        return ports.get(model);
    }

    public String yaml() {
        return yaml.toString();
    }

    /** Writes the configuration into a fresh temporary directory and returns the file. */
    public Path write() {
        try {
            Path dir = Files.createTempDirectory("modelswap-test");
            Path file = dir.resolve("config.yaml");
            Files.writeString(file, yaml());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
