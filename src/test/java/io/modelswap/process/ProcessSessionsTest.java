package io.modelswap.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The stat-line reader behind session scans: it reads into a small buffer instead of a String per process. */
class ProcessSessionsTest {

    private static long field(String line, int index) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        byte[] buffer = new byte[ProcessSessions.STAT_BUFFER];
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        return ProcessSessions.field(buffer, bytes.length, index);
    }

    @Test
    void fieldsCountFromTheLastClosingParenthesisSoACommandNameCannotShiftThem() {
        String line = "4242 (llama) server (x)) S 1 4200 4242 0 -1 4194560 123 0 0 0\n";
        assertEquals(1, field(line, 1));     // ppid
        assertEquals(4200, field(line, 2));  // process group
        assertEquals(4242, field(line, 3));  // session
        assertEquals(-1, field(line, 5));    // tty_pgrp -1 stays -1
    }

    @Test
    void aLineThatIsNotAStatLineReadsAsUnknown() {
        assertEquals(-1, field("", 3));
        assertEquals(-1, field("no parenthesis here", 3));
        assertEquals(-1, field("1 (short) S 1", 3));
        assertEquals(-1, field("1 (x) S 1 2 abc", 3));
    }

    @Test
    void readsThisProcessesSessionAsTheWholeLineSays() throws Exception {
        Path stat = Path.of("/proc/self/stat");
        assumeTrue(Files.isReadable(stat), "needs Linux's /proc");
        String line = Files.readString(stat);
        long expected = Long.parseLong(line.substring(line.lastIndexOf(')') + 2).split(" ")[3]);
        assertEquals(expected, ProcessSessions.statField(stat, 3, new byte[ProcessSessions.STAT_BUFFER]));
        assertEquals(expected, ProcessSessions.sessionOf(ProcessHandle.current().pid()));
    }

    @Test
    void aProcessThatIsGoneHasNoSession() {
        assertEquals(-1, ProcessSessions.statField(Path.of("/proc/0/stat"), 3, new byte[ProcessSessions.STAT_BUFFER]));
    }
}
