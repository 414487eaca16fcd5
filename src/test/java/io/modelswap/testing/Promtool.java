package io.modelswap.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code promtool check metrics}, Prometheus's own linter of the text exposition (names, units, help, types), as an
 * assertion. Skipped where promtool is not installed; CI installs it with {@code apt-get install -y prometheus}.
 */
public final class Promtool {

    private Promtool() {
    }

    /** Skips the calling test when promtool is not on the PATH. */
    public static void assumeInstalled() {
        assumeTrue(onPath("promtool"), "promtool is not on the PATH (apt-get install -y prometheus); skipping the"
                + " Prometheus lint of /metrics");
    }

    /**
     * Asserts that promtool finds nothing to report in {@code metrics}; the scrape is kept in {@code target/<keptAs>}
     * so that a failure can be read.
     */
    public static void assertClean(String metrics, String keptAs) throws IOException, InterruptedException {
        Files.writeString(Path.of("target", keptAs), metrics);
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = promtool.getOutputStream()) {
            in.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        String report = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        promtool.waitFor(60, TimeUnit.SECONDS);
        assertEquals("", report.strip(), "promtool check metrics reported problems");
        assertEquals(0, promtool.exitValue(), report);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
