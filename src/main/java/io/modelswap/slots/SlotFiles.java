package io.modelswap.slots;

import io.modelswap.config.SlotsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The slot files of one model in its {@code --slot-save-path}: named {@code modelswap-<model>-<hash>-slot<id>-<millis>.bin}
 * (the model ID made filename-safe, plus a hash of it so that two IDs that read alike never share files), listed
 * newest first, pruned to the model's bounds, and deleted when the model is removed. Blocking file-system work.
 */
public final class SlotFiles {

    private static final Logger LOG = Logger.getLogger(SlotFiles.class);
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final Pattern SLOT_AND_TIME = Pattern.compile("-slot(\\d+)-(\\d+)\\.bin$");

    /** One saved slot file. */
    public record SlotFile(Path path, int slot, long savedAtMillis, long bytes) {
        public String filename() {
            return path.getFileName().toString();
        }
    }

    private final String model;
    private final SlotsConfig config;
    private final String prefix;

    public SlotFiles(String model, SlotsConfig config) {
        this.model = model;
        this.config = config;
        this.prefix = "modelswap-" + UNSAFE.matcher(model).replaceAll("_") + "-" + shortHash(model) + "-slot";
    }

    /** The file name (relative to the save path, as llama-server wants it) for {@code slot} saved at {@code millis}. */
    public String filename(int slot, long millis) {
        return prefix + slot + "-" + millis + ".bin";
    }

    /** Every file of this model, newest first. */
    public List<SlotFile> list() {
        List<SlotFile> files = new ArrayList<>();
        if (!Files.isDirectory(config.path())) {
            return files;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(config.path(), prefix + "*.bin")) {
            for (Path path : dir) {
                Matcher m = SLOT_AND_TIME.matcher(path.getFileName().toString());
                if (m.find() && path.getFileName().toString().startsWith(prefix)
                        && path.getFileName().toString().length() == m.end() && Files.isRegularFile(path)) {
                    files.add(new SlotFile(path, Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                            Files.size(path)));
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warnf("model %s: cannot list its slot files in %s: %s", model, config.path(), e.getMessage());
        }
        files.sort(Comparator.comparingLong(SlotFile::savedAtMillis).reversed()
                .thenComparing(SlotFile::slot));
        return files;
    }

    /** The newest file of each slot, by slot id. */
    public Map<Integer, SlotFile> newestPerSlot() {
        Map<Integer, SlotFile> newest = new LinkedHashMap<>();
        for (SlotFile file : list()) {
            newest.putIfAbsent(file.slot(), file);
        }
        return newest;
    }

    /** Deletes the oldest files until at most {@code maxFiles} files and {@code maxBytes} bytes are left. */
    public int prune() {
        int kept = 0;
        long bytes = 0;
        int deleted = 0;
        for (SlotFile file : list()) {
            if (kept < config.maxFiles() && bytes + file.bytes() <= config.maxBytes()) {
                kept++;
                bytes += file.bytes();
            } else if (delete(file.path())) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Deletes every file of this model (it was removed from the configuration). */
    public int deleteAll() {
        int deleted = 0;
        for (SlotFile file : list()) {
            if (delete(file.path())) {
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.infof("model %s: deleted its %d slot file(s) from %s", model, deleted, config.path());
        }
        return deleted;
    }

    private boolean delete(Path path) {
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warnf("model %s: cannot delete slot file %s: %s", model, path, e.getMessage());
            return false;
        }
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
