package io.modelswap.http;

/**
 * A request modelswap cannot route, with the status, OpenAI error code and message the client gets. One that is
 * {@link #closesConnection() closing} is answered with {@code Connection: close}: the rest of its body is still on the
 * wire and will not be read.
 */
public final class BadRequestException extends RuntimeException {

    private final int status;
    private final String code;
    private final boolean closeConnection;

    public BadRequestException(int status, String message) {
        this(status, OpenAiError.codeFor(status), message, false);
    }

    public BadRequestException(int status, String code, String message) {
        this(status, code, message, false);
    }

    private BadRequestException(int status, String code, String message, boolean closeConnection) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.closeConnection = closeConnection;
    }

    /** The same refusal, answered with {@code Connection: close}. */
    public BadRequestException closingConnection() {
        return new BadRequestException(status, code, getMessage(), true);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public boolean closesConnection() {
        return closeConnection;
    }
}
