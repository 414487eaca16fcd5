package io.modelswap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, written into {@code modelswap-version.properties} by Maven resource filtering. */
public final class Version {

    public static final String VERSION = resolve();

    private Version() {
    }

    private static String resolve() {
        try (InputStream in = Version.class.getResourceAsStream("/modelswap-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
