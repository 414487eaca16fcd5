package io.modelswap.process;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * An event-loop context of one owner's own, obtained the public way: a verticle deployed for it, whose context runs
 * everything handed to {@link #run}, in the order handed. Work handed before the deployment has started waits in that
 * order (a lock keeps it from overtaking, or being overtaken by, work handed meanwhile). {@link #close} undeploys it.
 */
final class OwnerContext {

    private final Vertx vertx;
    /** Guarded by this until {@link #context} is set; empty afterwards. */
    private final List<Handler<Void>> waiting = new ArrayList<>();
    private volatile Context context;
    private volatile String deploymentId;
    private boolean closed;

    private OwnerContext(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Deploys the owner's verticle; {@link #run} may be called at once. */
    static OwnerContext deploy(Vertx vertx) {
        OwnerContext owner = new OwnerContext(vertx);
        vertx.deployVerticle(new AbstractVerticle() {
            @Override
            public void start() {
                owner.started(context);
            }
        }).onSuccess(id -> owner.deployed(id));
        return owner;
    }

    private synchronized void started(Context started) {
        for (Handler<Void> action : waiting) {
            started.runOnContext(action);
        }
        waiting.clear();
        context = started;
    }

    private synchronized void deployed(String id) {
        deploymentId = id;
        if (closed) {
            vertx.undeploy(id);
        }
    }

    /** Runs {@code action} on the owner's context, after everything handed before it. */
    void run(Handler<Void> action) {
        Context ready = context;
        if (ready != null) {
            ready.runOnContext(action);
            return;
        }
        synchronized (this) {
            if (context == null) {
                waiting.add(action);
                return;
            }
        }
        context.runOnContext(action);
    }

    /** Undeploys the owner's verticle once what was handed to it has run. */
    void close() {
        run(v -> {
            synchronized (this) {
                closed = true;
                if (deploymentId != null) {
                    vertx.undeploy(deploymentId);
                }
            }
        });
    }

    /**
     * A future that completes like {@code result}, with its listeners on the context of whoever called the owner (a
     * new context when that is no Vert.x thread): the owner's callers never run on the owner's context.
     */
    static <T> Future<T> onCallersContext(Vertx vertx, Future<T> result) {
        Context caller = vertx.getOrCreateContext();
        Promise<T> relayed = Promise.promise();
        result.onComplete(outcome -> caller.runOnContext(v -> relayed.handle(outcome)));
        return relayed.future();
    }
}
