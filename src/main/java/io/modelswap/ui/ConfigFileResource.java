package io.modelswap.ui;

import io.modelswap.settings.ModelswapSettings;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code GET /api/ui/config-file}: the configuration files modelswap reads (the file, then the directory's
 * {@code *.yml|*.yaml} in name order), line for line with secrets masked ({@link ConfigFileView}), so the Config page
 * can show the line a {@code file:line} problem names. Bounded: at most {@link #MAX_FILES} files of
 * {@link #MAX_BYTES} each; a larger file is reported, not read.
 */
@Path("/api/ui/config-file")
public class ConfigFileResource {

    static final int MAX_FILES = 32;
    static final long MAX_BYTES = 1024 * 1024;

    private final ModelswapSettings settings;

    public ConfigFileResource(ModelswapSettings settings) {
        this.settings = settings;
    }

    /** Runs on a worker thread (a blocking return type): it reads files. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> files() {
        List<java.nio.file.Path> paths = new ArrayList<>();
        paths.add(java.nio.file.Path.of(settings.config()));
        settings.configDir().map(java.nio.file.Path::of).filter(Files::isDirectory).ifPresent(dir -> {
            try (Stream<java.nio.file.Path> list = Files.list(dir)) {
                list.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().limit(MAX_FILES - 1)
                        .forEach(paths::add);
            } catch (IOException e) {
                // the directory's problem shows in the reload status; the page shows what it can
            }
        });
        List<Map<String, Object>> files = new ArrayList<>();
        for (java.nio.file.Path path : paths) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("path", path.toString());
            try {
                if (Files.size(path) > MAX_BYTES) {
                    file.put("error", "larger than " + MAX_BYTES + " bytes; not shown");
                } else {
                    file.put("lines", ConfigFileView.masked(Files.readString(path, StandardCharsets.UTF_8)));
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                file.put("error", "cannot read it: " + e.getMessage());
            }
            files.add(file);
        }
        return Map.of("files", files);
    }
}
