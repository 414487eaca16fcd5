package io.modelswap.proxy;

/** A request modelswap cannot route, with the status and message the client gets. */
public final class BadRequestException extends RuntimeException {

    private final int status;

    public BadRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
