package io.modelswap.config;

/**
 * Per-model upstream timeouts in seconds (llama-swap's {@code timeouts:}); 0 disables one.
 *
 * @param connect        TCP connect (default 30)
 * @param keepalive      TCP keep-alive (default 30)
 * @param responseHeader time from request sent to the first response header (default 0 = none, generations are long)
 * @param tlsHandshake   TLS handshake (default 10)
 * @param expectContinue wait for {@code 100 Continue} (default 1)
 * @param idleConn       a pooled connection idle this long is closed (default 90)
 */
public record UpstreamTimeouts(int connect, int keepalive, int responseHeader, int tlsHandshake, int expectContinue,
        int idleConn) {

    public static final UpstreamTimeouts DEFAULTS = new UpstreamTimeouts(30, 30, 0, 10, 1, 90);
}
