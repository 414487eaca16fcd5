package io.modelswap.config;

import java.util.Map;

/**
 * A named profile ({@code profiles.<name>}): pins requested model names to targets. Parsed and validated only.
 *
 * @param name        the profile's name
 * @param description free text
 * @param pins        requested model ID to target ("" = unpinned)
 */
public record ProfileConfig(String name, String description, Map<String, String> pins) {

    public ProfileConfig {
        pins = OrderedMaps.copyOf(pins);
    }
}
