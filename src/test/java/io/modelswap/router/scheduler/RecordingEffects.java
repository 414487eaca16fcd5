package io.modelswap.router.scheduler;

import io.modelswap.failure.ServeFailure;
import io.modelswap.process.StopCause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Records every effect as a short string, in order; tests choose which tickets refuse their grant. */
class RecordingEffects implements Effects {

    final List<String> log = new ArrayList<>();
    /** Ticket ids whose grantServe answers false (the client left before taking the grant). */
    final Set<Long> gone = new HashSet<>();

    @Override
    public void admit(Ticket t) {
        log.add("admit " + name(t));
    }

    @Override
    public void reject(Ticket t, ServeFailure why) {
        log.add("reject " + name(t) + " " + why.failureCause());
    }

    @Override
    public void queuePosition(Ticket t, int position) {
        log.add("position " + name(t) + " " + position);
    }

    @Override
    public void startSwap(String model, SwapPlan plan) {
        log.add("swap " + model + " evict " + plan.evict());
    }

    @Override
    public void cancelSwap(String model) {
        log.add("cancelSwap " + model);
    }

    @Override
    public boolean grantServe(Ticket t) {
        boolean took = !gone.contains(t.id());
        log.add((took ? "grant " : "grant-refused ") + name(t));
        return took;
    }

    @Override
    public void fail(Ticket t, ServeFailure f) {
        log.add("fail " + name(t) + " " + f.failureCause());
    }

    @Override
    public void stopModels(List<String> models, StopCause cause) {
        log.add("stop " + models + " " + cause);
    }

    /** Entries starting with one of the prefixes, e.g. only swaps and grants. */
    List<String> only(String... prefixes) {
        List<String> out = new ArrayList<>();
        for (String e : log) {
            for (String p : prefixes) {
                if (e.startsWith(p + " ")) {
                    out.add(e);
                    break;
                }
            }
        }
        return out;
    }

    /** Returns and forgets what was recorded so far. */
    List<String> take() {
        List<String> out = List.copyOf(log);
        log.clear();
        return out;
    }

    private static String name(Ticket t) {
        return t.model() + "#" + t.id();
    }
}
