package io.modelswap.router.scheduler;

import io.modelswap.config.GroupConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * llama-swap's group policy. For each running model m other than the target: same group with {@code swap}
 * → stop m; different group, the target's group {@code exclusive} and m's group not {@code persistent}
 * → stop m. A non-exclusive group therefore never stops other groups, even exclusive ones: llama-swap keeps
 * that "gotcha" for compatibility and so do we. Each victim carries the rule that stops it.
 */
public final class GroupSwapper extends RunningSetSwapper {

    /**
     * Stands in for a model that belongs to no group: it runs alone and is never protected. The config loader
     * puts ungrouped models in {@link GroupConfig#DEFAULT_ID}, so this only covers callers that forget to.
     */
    private static final GroupConfig LONER = new GroupConfig("(none)", true, true, false, List.of());

    private final Map<String, GroupConfig> groupOf = new HashMap<>();

    /** @throws IllegalArgumentException when a model is a member of two groups */
    public GroupSwapper(List<GroupConfig> groups) {
        for (GroupConfig g : groups) {
            for (String member : g.members()) {
                GroupConfig previous = groupOf.putIfAbsent(member, g);
                if (previous != null && previous != g) {
                    throw new IllegalArgumentException("model " + member + " is a member of both group "
                            + previous.id() + " and group " + g.id());
                }
            }
        }
    }

    @Override
    protected SwapPlan choose(String target, boolean targetRunning, List<Resident> others) {
        GroupConfig tg = groupOf.get(target);
        List<SwapPlan.Victim> evict = new ArrayList<>();
        if (tg == null) {
            for (Resident m : others) {
                evict.add(new SwapPlan.Victim(m.model(), "\"" + target + "\" is in no group: it runs alone"));
            }
            return new SwapPlan(evict, null);
        }
        for (Resident m : others) {
            GroupConfig mg = groupOf.getOrDefault(m.model(), LONER);
            boolean sameGroup = mg == tg;
            if (sameGroup && tg.swap()) {
                evict.add(new SwapPlan.Victim(m.model(), "group \"" + tg.id()
                        + "\" runs one member at a time (swap: true)"));
            } else if (!sameGroup && tg.exclusive() && !mg.persistent()) {
                evict.add(new SwapPlan.Victim(m.model(), "group \"" + tg.id()
                        + "\" is exclusive: it stops other groups' models"));
            }
        }
        return new SwapPlan(evict, null);
    }
}
