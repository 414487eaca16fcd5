package io.modelswap.config;

import java.util.List;

/**
 * A swap group ({@code routing.router.settings.groups.<id>} or legacy {@code groups.<id>}).
 *
 * @param id         the group's name; {@link #DEFAULT_ID} for the group of ungrouped models
 * @param swap       only one member runs at a time
 * @param exclusive  starting a member stops the models of other (non-persistent) groups
 * @param persistent other groups never stop this group's models
 * @param members    model IDs, in definition order
 */
public record GroupConfig(String id, boolean swap, boolean exclusive, boolean persistent, List<String> members) {

    /** llama-swap's name for the automatic group that holds every model not listed in a group. */
    public static final String DEFAULT_ID = "(default)";

    public GroupConfig {
        members = List.copyOf(members);
    }
}
