package io.modelswap.slots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.config.SlotsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model's slot files: named apart from other models', newest per slot, pruned oldest first, deleted on removal. */
class SlotFilesTest {

    @TempDir
    Path dir;

    private void write(SlotFiles files, int slot, long millis, int bytes) throws Exception {
        Files.write(dir.resolve(files.filename(slot, millis)), new byte[bytes]);
    }

    @Test
    void theNewestFileOfEachSlotIsRestoredAndOtherModelsFilesAreNotTouched() throws Exception {
        SlotFiles a = new SlotFiles("qwen/32b", new SlotsConfig(dir, 10, 1 << 20));
        SlotFiles b = new SlotFiles("qwen_32b", new SlotsConfig(dir, 10, 1 << 20)); // reads alike, hashes apart
        write(a, 0, 1000, 10);
        write(a, 0, 2000, 10);
        write(a, 1, 1500, 10);
        write(b, 0, 3000, 10);
        Files.writeString(dir.resolve("someone-else.bin"), "x");
        assertTrue(a.filename(0, 1).startsWith("modelswap-qwen_32b-"), a.filename(0, 1));
        assertEquals(3, a.list().size());
        assertEquals(2000, a.newestPerSlot().get(0).savedAtMillis());
        assertEquals(1500, a.newestPerSlot().get(1).savedAtMillis());
        assertEquals(3, a.deleteAll());
        assertEquals(List.of(), a.list());
        assertEquals(1, b.list().size());
        assertTrue(Files.exists(dir.resolve("someone-else.bin")));
    }

    @Test
    void pruningDropsTheOldestFilesBeyondTheCountOrTheSize() throws Exception {
        SlotFiles byCount = new SlotFiles("m", new SlotsConfig(dir, 2, 1 << 20));
        write(byCount, 0, 1000, 10);
        write(byCount, 1, 2000, 10);
        write(byCount, 0, 3000, 10);
        assertEquals(1, byCount.prune());
        assertEquals(List.of(3000L, 2000L), byCount.list().stream().map(SlotFiles.SlotFile::savedAtMillis).toList());

        SlotFiles bySize = new SlotFiles("m", new SlotsConfig(dir, 10, 25));
        write(bySize, 1, 4000, 20);
        assertEquals(2, bySize.prune()); // 20 + 10 > 25: only the newest fits
        assertEquals(List.of(4000L), bySize.list().stream().map(SlotFiles.SlotFile::savedAtMillis).toList());
    }
}
