package io.modelswap.proxy;

/**
 * The upstream could not take the request: it refused the connection (nothing listens on its port), or it lost the
 * connection before sending any response header. Its server may have crashed an instant ago, before its exit was
 * seen. Nothing has been answered to the client, and the request's buffered body can be sent again once the router
 * has seen to the model.
 */
public final class UpstreamLostException extends RuntimeException {

    private final boolean requestSent;

    public UpstreamLostException(String model, String message, boolean requestSent) {
        super("[" + model + "] upstream " + (requestSent ? "lost the connection before answering: "
                : "refused the connection: ") + message, null, false, false);
        this.requestSent = requestSent;
    }

    /**
     * Whether the request reached the upstream before the connection was lost (as opposed to a refused connection):
     * then it is sent again only to a new instance, never twice to one that still serves.
     */
    public boolean requestSent() {
        return requestSent;
    }
}
