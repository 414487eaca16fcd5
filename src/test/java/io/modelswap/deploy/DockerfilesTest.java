package io.modelswap.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What the container images promise, read from the Dockerfiles as text (there is no Docker engine to build them
 * here): tini as PID 1, a non-root user, port 8080, and the configuration read from the mounted /config.
 */
class DockerfilesTest {

    static final List<String> DEFAULT_ARGS = List.of("-config", "/config/config.yaml", "-listen", ":8080");

    /** One Dockerfile instruction: keyword and arguments, continuation lines joined, comments dropped. */
    record Instruction(String keyword, String args) {
    }

    static List<Instruction> instructions(String dockerfile) {
        List<Instruction> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Manifests.read(Manifests.DOCKER.resolve(dockerfile)).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString().strip();
            current.setLength(0);
            int space = text.indexOf(' ');
            result.add(new Instruction(text.substring(0, space).toUpperCase(Locale.ROOT),
                    text.substring(space + 1).strip()));
        }
        assertEquals(0, current.length(), dockerfile + " ends with a continuation line");
        return result;
    }

    /** The instructions of the last stage: the image that is shipped. */
    static List<Instruction> finalStage(String dockerfile) {
        List<Instruction> all = instructions(dockerfile);
        int from = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyword().equals("FROM")) {
                from = i;
            }
        }
        assertTrue(from >= 0, dockerfile + " has no FROM");
        return all.subList(from, all.size());
    }

    static List<Instruction> all(List<Instruction> stage, String keyword) {
        return stage.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    static Instruction last(List<Instruction> stage, String keyword, String dockerfile) {
        List<Instruction> found = all(stage, keyword);
        assertFalse(found.isEmpty(), dockerfile + ": no " + keyword + " in the final stage");
        return found.get(found.size() - 1);
    }

    /** The exec (JSON array) form of ENTRYPOINT/CMD; the shell form would put /bin/sh in front as PID 1. */
    @SuppressWarnings("unchecked")
    static List<String> execForm(Instruction instruction, String dockerfile) {
        Object parsed = Manifests.load(instruction.args());
        assertTrue(parsed instanceof List, dockerfile + ": " + instruction.keyword() + " must use the exec form "
                + "[\"...\"], got " + instruction.args());
        return (List<String>) parsed;
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.native", "Dockerfile.jvm"})
    void tiniIsPid1AndStartsModelswap(String dockerfile) {
        List<Instruction> stage = finalStage(dockerfile);
        List<String> entrypoint = execForm(last(stage, "ENTRYPOINT", dockerfile), dockerfile);
        assertEquals(List.of("/usr/bin/tini", "--"), entrypoint.subList(0, 2), dockerfile + ": " + entrypoint);
        assertTrue(entrypoint.size() > 2, dockerfile + ": tini starts nothing");
        String installsTini = stage.stream().filter(i -> i.keyword().equals("COPY") || i.keyword().equals("RUN"))
                .map(Instruction::args).filter(a -> a.matches("(?s).*\\btini\\b.*")).collect(Collectors.joining());
        assertTrue(installsTini.contains("/usr/bin/tini") || installsTini.matches("(?s).*install.*\\btini\\b.*"),
                dockerfile + ": the final stage never puts tini at /usr/bin/tini");
    }

    @Test
    void nativeImageRunsTheNativeExecutable() {
        List<String> entrypoint = execForm(last(finalStage("Dockerfile.native"), "ENTRYPOINT", "native"), "native");
        assertEquals(List.of("/usr/bin/tini", "--", "/app/modelswap"), entrypoint);
        assertTrue(finalStage("Dockerfile.native").stream().anyMatch(i -> i.keyword().equals("COPY")
                && i.args().contains("-runner") && i.args().endsWith("/app/modelswap")),
                "the native runner is copied to /app/modelswap");
    }

    @Test
    void nativeImageHasSetsidForModelSessions() {
        // ProcessSessions runs each cmd through setsid; without it a double-forked server escapes its unload
        assertTrue(finalStage("Dockerfile.native").stream().anyMatch(i -> i.keyword().equals("COPY")
                && i.args().endsWith(" /usr/bin/setsid")), "the native image puts a setsid at /usr/bin/setsid");
        assertTrue(instructions("Dockerfile.native").stream().anyMatch(i -> i.keyword().equals("RUN")
                && i.args().contains("busybox-static")), "setsid comes from Debian's busybox-static");
    }

    @Test
    void nativeBuildUsesTheMandrelBuilderImage() {
        List<Instruction> all = instructions("Dockerfile.native");
        assertTrue(all.get(0).keyword().equals("FROM") && all.get(0).args()
                .startsWith("quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25"), all.get(0).toString());
        assertTrue(all(all, "RUN").stream().map(Instruction::args).anyMatch(a -> a.startsWith("./mvnw")
                && a.contains(" package") && a.contains("-Dnative") && a.contains("-DskipTests")),
                "the builder stage runs ./mvnw package -Dnative -DskipTests");
    }

    @Test
    void jvmImageRunsTheQuarkusFastJar() {
        List<String> entrypoint = execForm(last(finalStage("Dockerfile.jvm"), "ENTRYPOINT", "jvm"), "jvm");
        assertEquals("java", entrypoint.get(2));
        assertEquals(List.of("-jar", "/app/quarkus-app/quarkus-run.jar"),
                entrypoint.subList(entrypoint.size() - 2, entrypoint.size()));
        assertTrue(all(finalStage("Dockerfile.jvm"), "COPY").stream()
                .allMatch(i -> i.args().startsWith("target/quarkus-app/")), "copies the packaged target/quarkus-app");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.native", "Dockerfile.jvm"})
    void runsAsNonRootUid1001(String dockerfile) {
        String user = last(finalStage(dockerfile), "USER", dockerfile).args();
        String uid = user.split(":")[0];
        assertEquals("1001", uid, dockerfile + ": USER " + user
                + " (numeric, so that Kubernetes' runAsNonRoot can check it)");
        // nothing after USER switches back to root
        List<Instruction> stage = finalStage(dockerfile);
        assertFalse(stage.subList(stage.indexOf(last(stage, "USER", dockerfile)), stage.size()).stream()
                .anyMatch(i -> i.keyword().equals("RUN")), dockerfile + ": RUN after USER");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.native", "Dockerfile.jvm"})
    void exposes8080(String dockerfile) {
        assertTrue(all(finalStage(dockerfile), "EXPOSE").stream()
                .anyMatch(i -> List.of(i.args().split("\\s+")).contains("8080")), dockerfile + ": EXPOSE 8080");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.native", "Dockerfile.jvm"})
    void defaultsToTheConfigInTheMountedConfigDirectory(String dockerfile) {
        assertEquals(DEFAULT_ARGS, execForm(last(finalStage(dockerfile), "CMD", dockerfile), dockerfile));
    }

    @Test
    void kubernetesPassesTheSameArgumentsAsTheImagesDefault() {
        KubernetesManifestsTest.load();
        assertEquals(DEFAULT_ARGS, KubernetesManifestsTest.args());
    }

    /** The Dockerfile-specific .dockerignore must let through everything the Dockerfile copies from the context. */
    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.native", "Dockerfile.jvm"})
    void buildContextKeepsWhatTheDockerfileCopies(String dockerfile) {
        List<String> rules = Manifests.read(Manifests.DOCKER.resolve(dockerfile + ".dockerignore")).lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (Instruction copy : all(instructions(dockerfile), "COPY")) {
            if (copy.args().contains("--from=")) {
                continue;
            }
            List<String> words = new ArrayList<>(List.of(copy.args().split("\\s+")));
            words.removeIf(w -> w.startsWith("--"));
            for (String source : words.subList(0, words.size() - 1)) {
                assertTrue(included(source, rules), dockerfile + ": " + source + " is excluded by "
                        + dockerfile + ".dockerignore");
            }
        }
    }

    /** Docker's rule for one path: the last matching line wins; a match of a parent directory counts. */
    static boolean included(String source, List<String> rules) {
        String path = source.replaceAll("/+$", "").replaceFirst("/\\*\\.jar$", "/quarkus-run.jar");
        boolean included = true;
        for (String rule : rules) {
            boolean negated = rule.startsWith("!");
            String pattern = (negated ? rule.substring(1) : rule).replaceAll("/+$", "");
            String regex = pattern.replace(".", "\\.").replace("*", "[^/]*");
            if (path.matches(regex + "(/.*)?")) {
                included = negated;
            }
        }
        return included;
    }
}
