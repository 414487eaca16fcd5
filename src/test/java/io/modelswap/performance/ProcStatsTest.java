package io.modelswap.performance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The /proc and nvidia-smi parsers on the text those files and that tool print. */
class ProcStatsTest {

    @Test
    void perCoreUtilisationIsBusyOverTotalBetweenTwoReadings() {
        String before = "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0 0 0\ncpu1 50 0 50 400 0 0 0 0\n";
        String after = "cpu  300 0 100 1400 0 0 0 0 0 0\ncpu0 150 0 50 400 0 0 0 0 0 0\ncpu1 150 0 50 1000 0 0 0 0\n";
        List<Double> util = ProcStats.utilisation(ProcStats.cores(before), ProcStats.cores(after));
        assertEquals(List.of(100.0, 100.0 * 100 / 700), util);
    }

    @Test
    void memoryLoadAndNetworkAreRead() {
        assertEquals(16_384_000L, ProcStats.memory("MemTotal:       16384000 kB\nMemAvailable:    8000000 kB\n")
                .get("MemTotal"));
        assertArrayEquals(new double[] {0.52, 0.58, 0.59}, ProcStats.load("0.52 0.58 0.59 1/467 12345\n"));
        String dev = "Inter-|   Receive                                                |  Transmit\n"
                + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo"
                + " colls carrier compressed\n"
                + "    lo: 1000 10 0 0 0 0 0 0 1000 10 0 0 0 0 0 0\n"
                + "  eth0: 123456 100 0 0 0 0 0 0 654321 90 0 0 0 0 0 0\n";
        assertEquals(1, ProcStats.network(dev).size());
        assertArrayEquals(new long[] {123456, 654321}, ProcStats.network(dev).get("eth0"));
    }

    @Test
    void nvidiaSmiFieldsThatAreNotNumbersReadAsZero() {
        List<String[]> rows = NvidiaSmi.rows("0, NVIDIA H200, GPU-1, 35, 0, 1, 143771, [N/A], 76.30\n\n");
        assertEquals(1, rows.size());
        assertEquals("NVIDIA H200", rows.get(0)[1]);
        assertEquals(0.0, NvidiaSmi.number(rows.get(0)[7]));
        assertEquals(143771.0, NvidiaSmi.number(rows.get(0)[6]));
    }
}
