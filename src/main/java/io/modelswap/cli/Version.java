package io.modelswap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version, commit and build date of this build, written into {@code modelswap-version.properties} by Maven
 * resource filtering (the commit by {@code git rev-parse}, see pom.xml). What the build could not know is
 * {@code unknown}, never empty.
 */
public final class Version {

    public static final String UNKNOWN = "unknown";

    private static final Properties PROPERTIES = load();

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static final String VERSION = get("version");
    /** The abbreviated git commit the build was made from. */
    public static final String COMMIT = get("commit");
    /** When the build was made, ISO-8601 UTC. */
    public static final String BUILD_DATE = get("build_date");

    private Version() {
    }

    /** {@code 0.1.0 (commit 1234567890ab, built 2026-11-28T23:47:04Z)}, for {@code -version}. */
    public static String describe() {
        return VERSION + " (commit " + COMMIT + ", built " + BUILD_DATE + ")";
    }

    private static String get(String key) {
        String value = PROPERTIES.getProperty(key, "").strip();
        // an unfiltered placeholder (a build that skipped filtering) is as unknown as an empty value
        return value.isEmpty() || value.contains("${") ? UNKNOWN : value;
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/modelswap-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // every value stays unknown
        }
        return properties;
    }
}
