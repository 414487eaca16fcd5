package io.modelswap.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigChangeDetectorTest {

    @TempDir
    Path dir;

    private static final FileTime T0 = FileTime.fromMillis(1_700_000_000_000L);

    private Path write(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, T0);
        return file;
    }

    @Test
    void baselineNeverFiresAndNothingChangedDoesNotFire() throws Exception {
        Path file = write(dir.resolve("config.yaml"), "a: 1\n");
        ConfigChangeDetector detector = new ConfigChangeDetector(file, Optional.empty());
        assertFalse(detector.poll());
        assertFalse(detector.poll());
    }

    @Test
    void mtimeChangeFires() throws Exception {
        Path file = write(dir.resolve("config.yaml"), "a: 1\n");
        ConfigChangeDetector detector = new ConfigChangeDetector(file, Optional.empty());
        detector.poll();
        Files.setLastModifiedTime(file, FileTime.fromMillis(T0.toMillis() + 1000));
        assertTrue(detector.poll());
        assertFalse(detector.poll());
    }

    @Test
    void sizeChangeWithSameMtimeFires() throws Exception {
        Path file = write(dir.resolve("config.yaml"), "a: 1\n");
        ConfigChangeDetector detector = new ConfigChangeDetector(file, Optional.empty());
        detector.poll();
        write(file, "a: 12\n");
        assertTrue(detector.poll());
    }

    @Test
    void disappearanceAloneIsIgnoredAndReappearanceFires() throws Exception {
        Path file = write(dir.resolve("config.yaml"), "a: 1\n");
        ConfigChangeDetector detector = new ConfigChangeDetector(file, Optional.empty());
        detector.poll();
        Files.delete(file);
        assertFalse(detector.poll());
        write(file, "a: 1\n");
        assertTrue(detector.poll());
    }

    @Test
    void dirFileAddedOrRemovedFires() throws Exception {
        Path file = write(dir.resolve("config.yaml"), "a: 1\n");
        Path conf = Files.createDirectory(dir.resolve("conf.d"));
        ConfigChangeDetector detector = new ConfigChangeDetector(file, Optional.of(conf));
        detector.poll();
        write(conf.resolve("notes.txt"), "x");
        assertFalse(detector.poll(), "only yaml files count");
        Path extra = write(conf.resolve("b.yml"), "b: 1\n");
        assertTrue(detector.poll());
        Files.delete(extra);
        assertTrue(detector.poll());
    }

    @Test
    void kubernetesConfigMapSymlinkSwapIsSeenEvenWithSameSizeAndMtime() throws Exception {
        Path v1 = Files.createDirectory(dir.resolve("..2026_01_01_x"));
        write(v1.resolve("config.yaml"), "a: 1\n");
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..2026_01_01_x"));
        Path config = Files.createSymbolicLink(dir.resolve("config.yaml"), Path.of("..data/config.yaml"));
        ConfigChangeDetector detector = new ConfigChangeDetector(config, Optional.empty());
        assertFalse(detector.poll());

        Path v2 = Files.createDirectory(dir.resolve("..2026_01_02_y"));
        write(v2.resolve("config.yaml"), "a: 2\n"); // same size, same mtime
        Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..2026_01_02_y"));
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);

        assertTrue(detector.poll());
        assertFalse(detector.poll());
    }
}
