package io.modelswap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.process.ListeningSockets;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code ${PORT}} never hands out a port someone else already listens on. */
class PortAllocationTest {

    private static SwapConfig load(String yaml, java.util.function.IntPredicate taken) {
        LoadResult result = new ConfigLoader(name -> null, taken).parse("config.yaml", yaml);
        assertTrue(result.ok(), result.errorReport());
        return result.config().orElseThrow();
    }

    private static int portOf(SwapConfig config, String model) {
        return URI.create(config.models().get(model).proxy()).getPort();
    }

    @Test
    void portsSomeoneHoldsAreSkippedInAllocationOrder() {
        Set<Integer> held = Set.of(9000, 9002);
        SwapConfig config = load("startPort: 9000\nmodels:\n"
                + "  a:\n    cmd: server --port ${PORT}\n"
                + "  b:\n    cmd: server --port ${PORT}\n"
                + "  c:\n    cmd: server --port ${PORT}\n"
                + "  fixed:\n    cmd: server\n    proxy: http://127.0.0.1:9000\n", held::contains);
        assertEquals(9001, portOf(config, "a"));
        assertEquals(9003, portOf(config, "b"));
        assertEquals(9004, portOf(config, "c"));
        assertEquals("server --port 9004", config.models().get("c").cmd());
        assertEquals(9000, portOf(config, "fixed"), "a fixed proxy is the user's choice");
    }

    @Test
    void aPortWithARealListenerIsSkipped() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = squatter.getLocalPort();
            assertTrue(ListeningSockets.someoneListens(port));
            SwapConfig config = load("startPort: " + port + "\nmodels:\n  a:\n    cmd: server --port ${PORT}\n",
                    ListeningSockets::someoneListens);
            assertNotEquals(port, portOf(config, "a"));
            assertTrue(portOf(config, "a") > port);
        }
    }
}
