package io.modelswap.router.scheduler;

/** Why a request was not admitted; said before any byte of the response is written (404 / 429 / 503). */
public enum Rejection {
    UNKNOWN_MODEL, CONCURRENCY_LIMIT, SHUTTING_DOWN
}
