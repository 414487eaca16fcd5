package io.modelswap.http;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The one blocking HTTP client for short control calls to a model's own server (sleep and wake, KV-cache slot save
 * and restore), made on first use. Not a static field initializer: the native image runs those at build time, and a
 * JDK HttpClient (its selector thread, its sockets) cannot be stored in the image heap.
 */
public final class ControlCalls {

    private static volatile HttpClient client;

    private ControlCalls() {
    }

    public static HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (ControlCalls.class) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                            .version(HttpClient.Version.HTTP_1_1).build();
                    client = c;
                }
            }
        }
        return c;
    }
}
