package io.modelswap.deploy;

import static io.modelswap.deploy.Manifests.KUBERNETES;
import static io.modelswap.deploy.Manifests.at;
import static io.modelswap.deploy.Manifests.list;
import static io.modelswap.deploy.Manifests.listAt;
import static io.modelswap.deploy.Manifests.map;
import static io.modelswap.deploy.Manifests.mapAt;
import static io.modelswap.deploy.Manifests.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modelswap.config.ConfigLoader;
import io.modelswap.config.LoadResult;
import io.modelswap.config.ModelConfig;
import io.modelswap.config.SwapConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The invariants of {@code docker/kubernetes/} that make modelswap work in a cluster: a ConfigMap update reaches
 * it, the probes hit its health endpoints, the pod outlives its shutdown budget, the Service reaches it, and it
 * runs as non-root. Plain YAML, no cluster.
 */
class KubernetesManifestsTest {

    /** Time allowed on top of modelswap's shutdown budget: HTTP/JVM shutdown, tini, the kubelet's own latency. */
    static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(10);

    static final String SHUTDOWN_ENV = "MODELSWAP_PROCESSES_SHUTDOWN_TIMEOUT";

    static Map<String, Object> configMap;
    static Map<String, Object> deployment;
    static Map<String, Object> service;
    static Map<String, Object> podSpec;
    static Map<String, Object> container;

    @BeforeAll
    static void load() {
        Map<String, Map<String, Object>> byKind = new HashMap<>();
        for (Object resource : listAt(kustomization(), "resources")) {
            Path file = KUBERNETES.resolve((String) resource);
            for (Object doc : Manifests.loadAll(file)) {
                Map<String, Object> manifest = map(doc, file.toString());
                String kind = (String) manifest.get("kind");
                assertTrue(byKind.put(kind, manifest) == null, "more than one " + kind);
            }
        }
        configMap = Objects.requireNonNull(byKind.get("ConfigMap"), "no ConfigMap in kustomization resources");
        deployment = Objects.requireNonNull(byKind.get("Deployment"), "no Deployment in kustomization resources");
        service = Objects.requireNonNull(byKind.get("Service"), "no Service in kustomization resources");
        podSpec = mapAt(deployment, "spec.template.spec");
        List<Object> containers = listAt(podSpec, "containers");
        assertEquals(1, containers.size(), "one container: modelswap (the upstreams are its child processes)");
        container = map(containers.get(0), "container");
    }

    static Map<String, Object> kustomization() {
        List<Object> docs = Manifests.loadAll(KUBERNETES.resolve("kustomization.yaml"));
        assertEquals(1, docs.size());
        return map(docs.get(0), "kustomization.yaml");
    }

    @Test
    void kustomizationListsEveryManifestOfTheDirectory() throws Exception {
        List<Object> resources = listAt(kustomization(), "resources");
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            List<String> manifests = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).sorted().toList();
            assertEquals(manifests, resources.stream().map(String.class::cast).sorted().toList());
        }
        assertTrue(resources.containsAll(List.of("configmap.yaml", "deployment.yaml", "service.yaml")), resources
                .toString());
    }

    // --- the ConfigMap reaches modelswap, and its updates too ---

    @Test
    void configMapIsMountedAsADirectoryWithoutSubPath() {
        String volume = configVolumeName();
        List<Map<String, Object>> mounts = mountsOf(volume);
        assertEquals(1, mounts.size(), "the config volume is mounted once: " + mounts);
        Map<String, Object> mount = mounts.get(0);
        assertFalse(mount.containsKey("subPath"), "a subPath mount never sees ConfigMap updates: " + mount);
        assertFalse(mount.containsKey("subPathExpr"), "a subPath mount never sees ConfigMap updates: " + mount);
        String mountPath = (String) mount.get("mountPath");
        assertTrue(mountPath.startsWith("/") && !mountPath.endsWith(".yaml") && !mountPath.endsWith(".yml"),
                "mounted as a directory, not onto a file: " + mountPath);
    }

    @Test
    void configArgumentNamesAConfigMapKeyInsideTheMount() {
        String mountPath = ((String) mountsOf(configVolumeName()).get(0).get("mountPath")).replaceAll("/+$", "");
        String config = flag(args(), "config").orElseGet(() -> fail("no -config argument in " + args()));
        assertTrue(config.startsWith(mountPath + "/"), "-config " + config + " is not inside " + mountPath);
        String fileInMount = config.substring(mountPath.length() + 1);
        String key = keyForFile(fileInMount);
        assertTrue(mapAt(configMap, "data").containsKey(key),
                "-config " + config + " needs key " + key + " in the ConfigMap, which has "
                        + mapAt(configMap, "data").keySet());
    }

    @Test
    void listensOnTheContainerPort() {
        String listen = flag(args(), "listen").orElseGet(() -> fail("no -listen argument in " + args()));
        assertEquals(":" + containerPort(), listen.substring(listen.lastIndexOf(':')));
        assertFalse(listen.startsWith("127.") || listen.startsWith("localhost"),
                "the kubelet and the Service reach the pod IP, not loopback: " + listen);
    }

    // --- probes ---

    @Test
    void livenessProbeHitsTheLivenessEndpointOnTheContainerPort() {
        Map<String, Object> get = mapAt(container, "livenessProbe.httpGet");
        assertEquals("/q/health/live", get.get("path"));
        assertIsContainerPort(get.get("port"), "livenessProbe port");
    }

    @Test
    void readinessProbeHitsTheReadinessEndpointOnTheContainerPort() {
        Map<String, Object> get = mapAt(container, "readinessProbe.httpGet");
        assertEquals("/q/health/ready", get.get("path"));
        assertIsContainerPort(get.get("port"), "readinessProbe port");
    }

    // --- shutdown ---

    @Test
    void gracePeriodOutlastsTheShutdownBudgetWithAMargin() {
        Duration budget = shutdownBudget();
        Duration grace = Duration.ofSeconds(((Number) at(podSpec, "terminationGracePeriodSeconds")).longValue());
        assertTrue(grace.compareTo(budget.plus(SHUTDOWN_MARGIN)) > 0,
                "terminationGracePeriodSeconds " + grace.toSeconds() + "s must exceed " + SHUTDOWN_ENV + " ("
                        + budget.toSeconds() + "s) plus " + SHUTDOWN_MARGIN.toSeconds() + "s");
    }

    @Test
    void everyModelsGracefulStopFitsInTheShutdownBudget() {
        Duration budget = shutdownBudget();
        for (ModelConfig model : embeddedConfig().models().values()) {
            assertTrue(Duration.ofSeconds(model.unloadTimeoutSeconds()).compareTo(budget) < 0,
                    model.id() + ": unloadTimeout " + model.unloadTimeoutSeconds() + "s is not below the "
                            + budget.toSeconds() + "s shutdown budget, so SIGKILL would come from the kubelet");
        }
    }

    @Test
    void shutdownBudgetParsesLikeQuarkusDurations() {
        assertEquals(Duration.ofSeconds(20), Manifests.duration("20s"));
        assertEquals(Duration.ofSeconds(20), Manifests.duration("20"));
        assertEquals(Duration.ofSeconds(90), Manifests.duration("1m30s"));
        assertEquals(Duration.ofMillis(1500), Manifests.duration("1500ms"));
        assertEquals(Duration.ofSeconds(20), Manifests.duration("PT20S"));
        assertEquals(Duration.ofHours(1), Manifests.duration("1h"));
    }

    // --- single instance per GPU ---

    @Test
    void oneInstanceReplacedByRecreateAndAskingForAGpu() {
        assertEquals(1, at(deployment, "spec.replicas"));
        assertEquals("Recreate", at(deployment, "spec.strategy.type"));
        Map<String, Object> limits = mapAt(container, "resources.limits");
        assertEquals(1, limits.get("nvidia.com/gpu"), "GPU limit: " + limits);
        Object request = mapAt(container, "resources").containsKey("requests")
                ? mapAt(container, "resources.requests").get("nvidia.com/gpu") : null;
        assertTrue(request == null || request.equals(limits.get("nvidia.com/gpu")),
                "an extended resource's request must equal its limit");
    }

    // --- Service ---

    @Test
    void serviceSelectsThePodsAndTargetsTheContainerPort() {
        assertEquals("ClusterIP", at(service, "spec.type"));
        Map<String, Object> selector = mapAt(service, "spec.selector");
        Map<String, Object> podLabels = mapAt(deployment, "spec.template.metadata.labels");
        assertFalse(selector.isEmpty());
        selector.forEach((k, v) -> assertEquals(v, podLabels.get(k), "Service selector " + k + " vs pod labels"));
        List<Object> ports = listAt(service, "spec.ports");
        assertEquals(1, ports.size());
        Map<String, Object> port = map(ports.get(0), "Service port");
        assertEquals(8080, port.get("port"));
        assertIsContainerPort(port.getOrDefault("targetPort", port.get("port")), "Service targetPort");
    }

    // --- security ---

    @Test
    void runsAsNonRoot() {
        Map<String, Object> pod = podSpec.containsKey("securityContext") ? mapAt(podSpec, "securityContext") : Map.of();
        Map<String, Object> own = container.containsKey("securityContext") ? mapAt(container, "securityContext")
                : Map.of();
        Object runAsNonRoot = own.getOrDefault("runAsNonRoot", pod.get("runAsNonRoot"));
        Object runAsUser = own.getOrDefault("runAsUser", pod.get("runAsUser"));
        assertEquals(true, runAsNonRoot, "runAsNonRoot must be true");
        assertInstanceOf(Integer.class, runAsUser, "runAsUser must be set to a uid");
        assertNotEquals(0, runAsUser);
        assertEquals(1001, runAsUser, "the images' USER");
        assertEquals(false, own.get("allowPrivilegeEscalation"));
    }

    @Test
    void readOnlyRootFilesystemComesWithAWritableTmp() {
        Map<String, Object> own = mapAt(container, "securityContext");
        if (Boolean.TRUE.equals(own.get("readOnlyRootFilesystem"))) {
            assertTrue(listAt(container, "volumeMounts").stream().map(m -> map(m, "volumeMount"))
                    .anyMatch(m -> "/tmp".equals(m.get("mountPath")) && !Boolean.TRUE.equals(m.get("readOnly"))),
                    "a read-only root filesystem needs a writable /tmp");
        }
    }

    // --- the embedded llama-swap configuration ---

    @Test
    void embeddedConfigIsYamlWithModelsThatHaveACmd() {
        for (Map.Entry<String, Object> entry : mapAt(configMap, "data").entrySet()) {
            assertInstanceOf(String.class, entry.getValue(), entry.getKey());
            Map<String, Object> config = map(Manifests.load((String) entry.getValue()), entry.getKey());
            Map<String, Object> models = mapAt(config, "models");
            assertFalse(models.isEmpty(), "no models in " + entry.getKey());
            models.forEach((id, model) -> {
                Object cmd = map(model, "models." + id).get("cmd");
                assertInstanceOf(String.class, cmd, "models." + id + ".cmd");
                assertFalse(((String) cmd).isBlank(), "models." + id + ".cmd is blank");
            });
        }
    }

    @Test
    void embeddedConfigLoadsInModelswapWithoutProblems() {
        LoadResult result = loadEmbeddedConfig();
        assertTrue(result.ok(), result.errorReport());
        assertEquals(List.of(), result.warnings(), "warnings (unknown keys, ...)");
    }

    @Test
    void modelFilesAreOnAMountedVolume() {
        List<String> mountPaths = listAt(container, "volumeMounts").stream()
                .map(m -> (String) map(m, "volumeMount").get("mountPath")).toList();
        for (ModelConfig model : embeddedConfig().models().values()) {
            List<String> words = Arrays.asList(model.cmd().trim().split("\\s+"));
            int i = Math.max(words.indexOf("--model"), words.indexOf("-m"));
            assertTrue(i >= 0 && i + 1 < words.size(), model.id() + ": no --model in " + model.cmd());
            String file = words.get(i + 1);
            assertTrue(mountPaths.stream().anyMatch(p -> file.startsWith(p + "/")),
                    model.id() + ": " + file + " is not on a mounted volume " + mountPaths);
        }
    }

    // --- helpers ---

    static LoadResult loadEmbeddedConfig() {
        String config = flag(args(), "config").orElseThrow();
        String key = keyForFile(config.substring(config.lastIndexOf('/') + 1));
        return new ConfigLoader(name -> null).parse(key, (String) mapAt(configMap, "data").get(key));
    }

    static SwapConfig embeddedConfig() {
        LoadResult result = loadEmbeddedConfig();
        return result.config().orElseGet(() -> fail(result.errorReport()));
    }

    static Duration shutdownBudget() {
        Map<String, Object> env = named(listAt(container, "env"), SHUTDOWN_ENV, "env");
        return Manifests.duration(String.valueOf(env.get("value")));
    }

    static String configVolumeName() {
        String configMapName = (String) at(configMap, "metadata.name");
        List<String> volumes = listAt(podSpec, "volumes").stream().map(v -> map(v, "volume"))
                .filter(v -> v.get("configMap") instanceof Map<?, ?> c && configMapName.equals(c.get("name")))
                .map(v -> (String) v.get("name")).toList();
        assertEquals(1, volumes.size(), "one volume from ConfigMap " + configMapName + ": " + volumes);
        return volumes.get(0);
    }

    static List<Map<String, Object>> mountsOf(String volume) {
        return listAt(container, "volumeMounts").stream().map(m -> map(m, "volumeMount"))
                .filter(m -> volume.equals(m.get("name"))).toList();
    }

    /** The ConfigMap key that appears as {@code fileInMount} in the mounted directory (honours {@code items}). */
    static String keyForFile(String fileInMount) {
        Map<String, Object> volume = named(listAt(podSpec, "volumes"), configVolumeName(), "volume");
        Map<String, Object> source = mapAt(volume, "configMap");
        if (!source.containsKey("items")) {
            assertFalse(fileInMount.contains("/"), "a ConfigMap key is a file directly in the mount: "
                    + fileInMount);
            return fileInMount;
        }
        return list(source.get("items"), "items").stream().map(i -> map(i, "item"))
                .filter(i -> fileInMount.equals(i.get("path"))).map(i -> (String) i.get("key")).findFirst()
                .orElseGet(() -> fail("no item of the config volume has path " + fileInMount));
    }

    /** The container's {@code args}: the image's entrypoint (tini, modelswap) stays as it is. */
    static List<String> args() {
        assertFalse(container.containsKey("command"), "command would replace the image's tini entrypoint");
        List<String> args = new ArrayList<>();
        for (Object arg : listAt(container, "args")) {
            assertInstanceOf(String.class, arg, "args must be strings (quote numbers): " + arg);
            args.add((String) arg);
        }
        return args;
    }

    /** The value of llama-swap style flag {@code name}: {@code -name v}, {@code --name v} or {@code -name=v}. */
    static Optional<String> flag(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            for (String dash : List.of("-", "--")) {
                if (arg.equals(dash + name) && i + 1 < args.size()) {
                    return Optional.of(args.get(i + 1));
                }
                if (arg.startsWith(dash + name + "=")) {
                    return Optional.of(arg.substring(dash.length() + name.length() + 1));
                }
            }
        }
        return Optional.empty();
    }

    static Map<String, Object> containerPortEntry() {
        List<Object> ports = listAt(container, "ports");
        assertEquals(1, ports.size(), "one container port");
        return map(ports.get(0), "port");
    }

    static int containerPort() {
        return (Integer) containerPortEntry().get("containerPort");
    }

    /** {@code port} (a number or a port name) designates the container's port. */
    static void assertIsContainerPort(Object port, String what) {
        Map<String, Object> entry = containerPortEntry();
        if (port instanceof Integer) {
            assertEquals(entry.get("containerPort"), port, what);
        } else {
            assertTrue(port != null && port.equals(entry.get("name")), what + " " + port
                    + " is neither the container port's number nor its name " + entry);
        }
    }
}
