package io.modelswap.websocket;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Lets the HTTP server take websocket frames as large as the relay passes on ({@link WebSocketProxy#MAX_FRAME_BYTES};
 * Vert.x's default of 64 KiB would close a ComfyUI client that sends a larger one with status 1009).
 */
@ApplicationScoped
public class WebSocketServerOptions implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        apply(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        apply(options);
    }

    private static void apply(HttpServerOptions options) {
        options.setMaxWebSocketFrameSize(WebSocketProxy.MAX_FRAME_BYTES)
                .setMaxWebSocketMessageSize(WebSocketProxy.MAX_FRAME_BYTES)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
    }
}
