package io.modelswap.proxy;

import io.modelswap.http.BadRequestException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ModelExtractorTest {

    private static RequestedModel json(String body) {
        return ModelExtractor.fromBody("application/json", Buffer.buffer(body));
    }

    private static int statusOf(Runnable call) {
        return assertThrows(BadRequestException.class, call::run).status();
    }

    @Test
    void readsTheTopLevelModelAndStreamFlag() {
        RequestedModel requested = json("{\"messages\":[{\"model\":\"inner\"}],\"model\":\"llama\",\"stream\":true}");
        assertEquals("llama", requested.name());
        assertTrue(requested.stream());
    }

    @Test
    void nestedModelKeysAreIgnored() {
        assertEquals(400, statusOf(() -> json("{\"options\":{\"model\":\"x\"}}")));
    }

    @Test
    void streamDefaultsToFalse() {
        assertFalse(json("{\"model\":\"a\",\"stream\":false}").stream());
    }

    @Test
    void malformedJsonIsA400() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> json("{\"model\":\"a\""));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("malformed JSON"), e.getMessage());
    }

    @Test
    void trailingGarbageIsA400() {
        assertEquals(400, statusOf(() -> json("{\"model\":\"a\"} x")));
    }

    @Test
    void modelThatIsNotAStringIsA400() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> json("{\"model\":42}"));
        assertEquals("\"model\" must be a string", e.getMessage());
    }

    @Test
    void missingModelIsA400() {
        assertEquals(400, statusOf(() -> json("{\"messages\":[]}")));
        assertEquals(400, statusOf(() -> json("")));
        assertEquals(400, statusOf(() -> json("[1,2]")));
    }

    @Test
    void invalidUtf8IsA400() {
        byte[] bytes = {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertEquals(400, statusOf(() -> ModelExtractor.fromBody("application/json", Buffer.buffer(bytes))));
    }

    @Test
    void unsupportedContentTypeIsA415() {
        assertEquals(415, statusOf(() -> ModelExtractor.fromBody("text/plain", Buffer.buffer("model=a"))));
    }

    @Test
    void multipartModelFieldIsFoundWithoutTouchingTheFile() {
        String boundary = "----XyZ";
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n"
                + "RIFF....--not-a-boundary\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"model\"\r\n\r\n"
                + "whisper-large\r\n"
                + "--" + boundary + "--\r\n";
        RequestedModel requested = ModelExtractor.fromBody("multipart/form-data; boundary=" + boundary,
                Buffer.buffer(body));
        assertEquals("whisper-large", requested.name());
    }

    @Test
    void multipartWithoutModelIsA400() {
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--b--\r\n";
        assertEquals(400, statusOf(() -> ModelExtractor.fromBody("multipart/form-data; boundary=b",
                Buffer.buffer(body))));
    }

    @Test
    void urlEncodedFormModelIsRead() {
        assertEquals("my model", ModelExtractor.fromBody("application/x-www-form-urlencoded",
                Buffer.buffer("a=1&model=my+model")).name());
    }

    @Test
    void queryModelIsRead() {
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("model", "kokoro").add("stream", "true");
        RequestedModel requested = ModelExtractor.fromQuery(params);
        assertEquals("kokoro", requested.name());
        assertTrue(requested.stream());
    }
}
