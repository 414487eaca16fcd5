package io.modelswap.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Test;

class GetRequestsTest {

    @Test
    void anHttpsUrlWithoutAPortIsTlsOn443WithItsPathAndQuery() {
        RequestOptions options = GetRequests.of("https://models.example:443/v1/models?x=1%202");
        assertEquals(HttpMethod.GET, options.getMethod());
        assertEquals("models.example", options.getHost());
        assertEquals(443, options.getPort());
        assertTrue(options.isSsl());
        assertEquals("/v1/models?x=1%202", options.getURI());
        assertEquals(443, GetRequests.of("https://models.example/health").getPort());
    }

    @Test
    void plainHttpIsPort80OrItsOwnAndAnEmptyPathIsTheRoot() {
        RequestOptions options = GetRequests.of("http://127.0.0.1:5801");
        assertEquals("127.0.0.1", options.getHost());
        assertEquals(5801, options.getPort());
        assertFalse(options.isSsl());
        assertEquals("/", options.getURI());
        assertEquals(80, GetRequests.of("http://host/health").getPort());
        assertEquals("::1", GetRequests.of("http://[::1]:9/health").getHost());
    }

    @Test
    void whatIsNotAnHttpUrlWithAHostIsRefusedWithTheUrl() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> GetRequests.of("ftp://host/x"));
        assertTrue(refused.getMessage().contains("ftp://host/x"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GetRequests.of("/health"));
    }
}
