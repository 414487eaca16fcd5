package io.modelswap.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Which files make up a configuration. */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    /**
     * The top-level {@code *.yml}/{@code *.yaml} regular files of {@code dir} (symlinks followed), sorted by file
     * name; empty when the directory is missing. Sub-directories are not read, as in llama-swap.
     */
    public static List<Path> yamlFilesIn(Path dir) {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if ((name.endsWith(".yml") || name.endsWith(".yaml")) && Files.isRegularFile(entry)) {
                    files.add(entry);
                }
            }
        } catch (IOException e) {
            return files;
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return files;
    }
}
