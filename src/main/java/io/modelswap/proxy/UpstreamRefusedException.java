package io.modelswap.proxy;

/**
 * The upstream refused the connection (nothing listens on its port) before anything of the request was sent or
 * read: its server may have crashed an instant ago. The request can be forwarded again once the router has seen to
 * the model.
 */
public final class UpstreamRefusedException extends RuntimeException {

    public UpstreamRefusedException(String model, String message) {
        super("[" + model + "] upstream refused the connection: " + message, null, false, false);
    }
}
