package io.modelswap.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The capture a user reads back from {@code /api/captures/<id>} is the one taken, whether it was kept as it is (small)
 * or deflated (large), and the buffer holds no more than its limit.
 */
class CaptureBufferTest {

    private static String capture(long id, int bodyBytes) {
        byte[] body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello again\"}]}"
                .repeat(bodyBytes / 60 + 1).getBytes(StandardCharsets.UTF_8);
        return "{\"id\":" + id + ",\"req_path\":\"/v1/chat/completions\",\"req_headers\":{},\"req_body\":\""
                + Base64.getEncoder().encodeToString(body) + "\",\"resp_headers\":{},\"resp_body\":null}";
    }

    private static CaptureBuffer.Packed packed(String json) {
        return CaptureBuffer.pack(generator -> generator.writeRaw(json));
    }

    @Test
    void aSmallCaptureIsKeptAsItIsAndReadBackWhole() {
        CaptureBuffer buffer = new CaptureBuffer();
        String json = capture(1, 200);
        CaptureBuffer.Packed packed = packed(json);
        assertFalse(packed.deflated());
        assertTrue(buffer.addPacked(1, packed, 1 << 20));
        assertEquals(json, buffer.get(1));
        assertEquals(json.length(), buffer.bytes());
    }

    @Test
    void aLargeCaptureIsDeflatedAndReadBackWhole() {
        CaptureBuffer buffer = new CaptureBuffer();
        String json = capture(2, 64 * 1024);
        CaptureBuffer.Packed packed = packed(json);
        assertTrue(packed.deflated());
        assertTrue(buffer.addPacked(2, packed, 1 << 20));
        assertEquals(json, buffer.get(2));
        assertTrue(buffer.bytes() < json.length() / 2, "kept " + buffer.bytes() + " bytes of " + json.length());
        // the thread's scratch buffer grew for it and shrank back: a small capture after it is still exact
        String small = capture(3, 100);
        assertEquals(small, packed(small).text());
    }

    @Test
    void theOldestCapturesGoWhenTheLimitIsReachedAndOneLargerThanTheLimitIsNotKept() {
        CaptureBuffer buffer = new CaptureBuffer();
        String json = capture(0, 1000);
        long limit = json.length() * 3L + 10;
        for (long id = 1; id <= 5; id++) {
            assertTrue(buffer.add(id, json, limit));
        }
        assertEquals(3, buffer.size());
        assertNull(buffer.get(1));
        assertNull(buffer.get(2));
        assertEquals(json, buffer.get(5));
        assertTrue(buffer.bytes() <= limit);
        assertFalse(buffer.add(6, capture(6, 2000), 100));
        assertNull(buffer.get(6));
    }
}
