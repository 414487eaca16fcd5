package io.modelswap.process;

import java.util.concurrent.TimeUnit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.modelswap.http.GetRequests;

/**
 * Polls one upstream's health URL until it answers 200. Non-blocking: probes and pauses are Vert.x requests and
 * timers on the context that called {@link #poll(long)}, where the result is completed too.
 */
final class HealthCheck {

    private final Vertx vertx;
    private final String url;
    private final ProcessTimings timings;
    private final HttpClient client;

    HealthCheck(Vertx vertx, String proxy, String endpoint, ProcessTimings timings, String name) {
        this.vertx = vertx;
        this.url = (proxy.endsWith("/") ? proxy.substring(0, proxy.length() - 1) : proxy)
                + (endpoint.startsWith("/") ? "" : "/") + endpoint;
        this.timings = timings;
        // no keep-alive: a pooled connection to a server that is about to be stopped is worth nothing
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setMaxPoolSize(1)
                .setName("modelswap-health-" + name));
    }

    String url() {
        return url;
    }

    /**
     * Starts polling: the first probe after {@code firstProbeDelay}, then one every {@code healthPollInterval}
     * after the previous answer; no probe runs past the deadline.
     *
     * @return succeeds on the first 200; fails at the deadline with the last answer seen as its message
     */
    Poll poll(long deadlineNanos) {
        Poll poll = new Poll(deadlineNanos);
        long delay = timings.firstProbeDelay().toMillis();
        if (delay == 0) {
            poll.probe();
        } else {
            poll.timer = vertx.setTimer(delay, id -> poll.probe());
        }
        return poll;
    }

    void close() {
        client.close();
    }

    /** One polling, from spawn to ready or deadline. */
    final class Poll {
        private final long deadlineNanos;
        private final Promise<Void> result = Promise.promise();
        private String lastAnswer = "no answer yet";
        private boolean cancelled;
        private long timer = -1;
        /** The probe in flight, reset on cancel so the connection is not cut under it by the process's death. */
        private HttpClientRequest inFlight;

        private Poll(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        Future<Void> result() {
            return result.future();
        }

        /** Stops polling; the result then never completes. */
        void cancel() {
            cancelled = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            if (inFlight != null) {
                inFlight.reset();
                inFlight = null;
            }
        }

        private void probe() {
            if (cancelled) {
                return;
            }
            long left = leftMillis();
            if (left <= 0) {
                result.tryFail(lastAnswer);
                return;
            }
            long timeout = Math.max(1, Math.min(timings.probeTimeout().toMillis(), left));
            RequestOptions request;
            try {
                request = GetRequests.of(url).setConnectTimeout(timeout).setIdleTimeout(timeout);
            } catch (RuntimeException e) {
                // a probe that cannot even be made must end the start, not leave it waiting past its deadline
                result.tryFail("the health check URL " + url + " cannot be requested: " + e.getMessage());
                return;
            }
            client.request(request)
                    .compose(req -> {
                        if (cancelled) {
                            req.reset();
                        }
                        inFlight = req;
                        return req.send();
                    })
                    .compose(resp -> resp.body().map(body -> resp.statusCode()))
                    .onComplete(ar -> {
                        inFlight = null;
                        if (cancelled) {
                            return;
                        }
                        if (ar.succeeded() && ar.result() == 200) {
                            result.tryComplete();
                            return;
                        }
                        lastAnswer = ar.succeeded() ? "HTTP " + ar.result() : String.valueOf(ar.cause().getMessage());
                        long pause = Math.min(timings.healthPollInterval().toMillis(), leftMillis());
                        if (pause <= 0) {
                            result.tryFail(lastAnswer);
                        } else {
                            timer = vertx.setTimer(pause, id -> probe());
                        }
                    });
        }

        private long leftMillis() {
            return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        }
    }
}
