package io.modelswap.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {

    @Test
    void aListeningLineOfProcNetTcpIsReadWithItsPortInodeAndUid() {
        ListeningSockets.Listener listener = ListeningSockets.parse(
                "   3: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 48151 1");
        assertEquals(new ListeningSockets.Listener(8080, 48151, 1000), listener);
        assertNull(ListeningSockets.parse(
                "   4: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 48152 1"),
                "an established connection is no listener");
        assertNull(ListeningSockets.parse("  sl  local_address rem_address   st tx_queue rx_queue"));
    }

    @Test
    void aSocketOfThisJvmIsFoundListeningAndHeldByIt() throws Exception {
        int port;
        long inode;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
            List<ListeningSockets.Listener> listeners = ListeningSockets.on(port).orElseThrow();
            assertEquals(1, listeners.size());
            inode = listeners.get(0).inode();
            assertTrue(ListeningSockets.socketInodes(ProcessHandle.current().pid()).contains(inode));
            assertEquals(ProcessHandle.current().pid(), ListeningSockets.holderOf(inode).orElseThrow().pid());
            assertTrue(ListeningSockets.someoneListens(port));
        }
        // Another process may bind the freed port at once (a loaded machine running other builds did): what must be
        // gone is this socket, not every listener on the number.
        assertFalse(ListeningSockets.on(port).orElseThrow().stream().anyMatch(l -> l.inode() == inode),
                "the closed socket is no longer listed as listening");
    }
}
