package io.modelswap.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The value of the built-in macro {@code ${MODELSWAP_BIN}}: a command line that runs this modelswap again, so that a
 * configuration can start modelswap's own subcommands ({@code ${MODELSWAP_BIN} demo-upstream --port ${PORT}}) from
 * any working directory, with the jar or with the native executable alone.
 *
 * <ul>
 *   <li>the environment variable {@code MODELSWAP_BIN} when it is set (taken as written: a command line);</li>
 *   <li>native executable: its own path;</li>
 *   <li>JVM from the packaged jar: {@code <java> -jar <absolute quarkus-run.jar>};</li>
 *   <li>JVM from a class path (tests, dev mode): {@code <java> -cp <class path> io.modelswap.cli.Main}.</li>
 * </ul>
 * The JVM forms add flags that make a short-lived helper start fast (C1 only, serial GC, a small heap).
 */
public final class ModelswapBin {

    /** The macro's name, and the environment variable that overrides its value. */
    public static final String NAME = "MODELSWAP_BIN";
    static final String MAIN_CLASS = "io.modelswap.cli.Main";
    static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ModelswapBin() {
    }

    /** The command line for this process, {@code MODELSWAP_BIN} in {@code environment} first. */
    static String resolve(Function<String, String> environment) {
        String configured = environment.apply(NAME);
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        return String.join(" ", self().stream().map(ModelswapBin::quote).toList());
    }

    /** This process's own command, as arguments. */
    static List<String> self() {
        if ("runtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"))) {
            return List.of(ProcessHandle.current().info().command().orElse("modelswap"));
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)
                && Path.of(classPath).getFileName().toString().equals("quarkus-run.jar")) {
            command.addAll(List.of("-jar", Path.of(classPath).toAbsolutePath().toString()));
        } else {
            List<String> entries = new ArrayList<>();
            for (String entry : classPath.split(java.io.File.pathSeparator)) {
                if (!entry.isEmpty() && Files.exists(Path.of(entry))) {
                    entries.add(Path.of(entry).toAbsolutePath().toString());
                }
            }
            command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, entries), MAIN_CLASS));
        }
        return command;
    }

    /** One argument as a POSIX shell (and modelswap's cmd splitter) reads it back. */
    static String quote(String argument) {
        return PLAIN.matcher(argument).matches() ? argument : "'" + argument.replace("'", "'\\''") + "'";
    }
}
