package io.modelswap.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;

/**
 * {@code timeouts.expectContinue}, as Go's {@code Transport.ExpectContinueTimeout} does it for llama-swap: a client
 * that sent {@code Expect: 100-continue} has its request's head passed on with the same expectation, and the body
 * follows once the upstream answers {@code 100 Continue}, or after the timeout if it says nothing (many servers never
 * do). An upstream that answers with a final status first (401, 413, ...) never gets the body: its answer is relayed
 * and the connection closed, as Go closes it. Touched on the request's context only.
 */
final class ContinueGate {

    private final Vertx vertx;
    private final Runnable sendBody;
    private long timer = -1;
    private boolean sent;
    private boolean skipped;

    private ContinueGate(Vertx vertx, Runnable sendBody) {
        this.vertx = vertx;
        this.sendBody = sendBody;
    }

    /**
     * Sends {@code upstream}'s head (its {@code Expect} header, and a length or chunked, already set) and runs
     * {@code sendBody} on the upstream's 100 or after {@code seconds}, whichever comes first.
     */
    static ContinueGate open(Vertx vertx, HttpClientRequest upstream, int seconds, Runnable sendBody) {
        ContinueGate gate = new ContinueGate(vertx, sendBody);
        upstream.continueHandler(ignored -> gate.send());
        gate.timer = vertx.setTimer(seconds * 1000L, ignored -> gate.send());
        upstream.sendHead();
        return gate;
    }

    private void send() {
        if (sent || skipped) {
            return;
        }
        sent = true;
        vertx.cancelTimer(timer);
        sendBody.run();
    }

    /** The exchange is over (answered, timed out, cancelled): a body not sent yet never will be. */
    void close() {
        skipped = true;
        vertx.cancelTimer(timer);
    }

    /**
     * The upstream's final answer came: true when it came before the body went (the body is then never sent, and the
     * caller closes the connection once the answer is relayed, since the request was never finished on it).
     */
    boolean answeredFirst() {
        if (sent) {
            return false;
        }
        skipped = true;
        vertx.cancelTimer(timer);
        return true;
    }
}
