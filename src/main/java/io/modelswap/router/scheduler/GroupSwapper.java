package io.modelswap.router.scheduler;

import io.modelswap.config.GroupConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * llama-swap's group policy. For each running model m other than the target: same group with {@code swap}
 * → stop m; different group, the target's group {@code exclusive} and m's group not {@code persistent}
 * → stop m. A non-exclusive group therefore never stops other groups, even exclusive ones: llama-swap keeps
 * that "gotcha" for compatibility and so do we.
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

    /** The group a model belongs to, if any. */
    public Optional<GroupConfig> groupOf(String model) {
        return Optional.ofNullable(groupOf.get(model));
    }

    @Override
    protected List<String> chooseEvictions(String target, boolean targetRunning, List<String> others) {
        GroupConfig tg = groupOf.get(target);
        List<String> evict = new ArrayList<>();
        if (tg == null) {
            evict.addAll(others);
            return evict;
        }
        for (String m : others) {
            GroupConfig mg = groupOf.getOrDefault(m, LONER);
            boolean sameGroup = mg == tg;
            if (sameGroup ? tg.swap() : tg.exclusive() && !mg.persistent()) {
                evict.add(m);
            }
        }
        return evict;
    }
}
