package io.modelswap.deploy;

import static io.modelswap.deploy.Manifests.KUBERNETES;
import static io.modelswap.deploy.Manifests.at;
import static io.modelswap.deploy.Manifests.listAt;
import static io.modelswap.deploy.Manifests.map;
import static io.modelswap.deploy.Manifests.mapAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modelswap.config.ConfigLoader;
import io.modelswap.config.LoadResult;
import io.modelswap.config.PeerConfig;
import io.modelswap.config.SwapConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's multi-box example, {@code docker/kubernetes/multi-node/}: a front modelswap whose peers are the per-node
 * modelswaps, each an overlay of {@code docker/kubernetes} with its own Service. Read as plain YAML (no cluster, no
 * kustomize): the front's peers must reach the Services the overlays make, list exactly the models each node's
 * configuration defines, and the front must be neither selected by a node's Service nor hold a GPU.
 */
class MultiNodeManifestsTest {

    static final Path MULTI = KUBERNETES.resolve("multi-node");

    static Map<String, Map<String, Object>> front = new HashMap<>();
    static SwapConfig frontConfig;

    @BeforeAll
    static void load() {
        for (Object doc : Manifests.loadAll(MULTI.resolve("front.yaml"))) {
            Map<String, Object> manifest = map(doc, "front.yaml");
            front.put((String) manifest.get("kind"), manifest);
        }
        String key = "config.yaml";
        LoadResult result = new ConfigLoader(name -> null).parse(key,
                (String) mapAt(front.get("ConfigMap"), "data").get(key));
        frontConfig = result.config().orElseGet(() -> fail(result.errorReport()));
        assertTrue(result.warnings().isEmpty(), result.warnings().toString());
    }

    static Map<String, Object> kustomization(Path dir) {
        return map(Manifests.load(Manifests.read(dir.resolve("kustomization.yaml"))), dir.toString());
    }

    @Test
    void theKustomizationAppliesTheFrontAndEveryNodeThatIsAPeer() {
        List<Object> resources = listAt(kustomization(MULTI), "resources");
        assertTrue(resources.contains("front.yaml"), resources.toString());
        Set<String> nodes = new TreeSet<>();
        resources.stream().map(String.class::cast).filter(r -> r.startsWith("nodes/"))
                .forEach(r -> nodes.add(r.substring("nodes/".length())));
        assertEquals(new TreeSet<>(frontConfig.peers().keySet()), nodes,
                "every node overlay is a peer of the front, and every peer is a node overlay");
    }

    @Test
    void eachPeerReachesItsNodesOwnServiceAndListsExactlyItsModels() {
        Map<String, Object> baseService = map(Manifests.loadAll(KUBERNETES.resolve("service.yaml")).get(0),
                "service.yaml");
        String baseName = (String) mapAt(baseService, "metadata").get("name");
        Object basePort = ((Map<?, ?>) listAt(baseService, "spec.ports").get(0)).get("port");
        for (PeerConfig peer : frontConfig.peers().values()) {
            Path overlay = MULTI.resolve("nodes").resolve(peer.id());
            Map<String, Object> kustomization = kustomization(overlay);
            assertEquals(List.of("../../.."), listAt(kustomization, "resources"), peer.id());
            String suffix = (String) kustomization.get("nameSuffix");
            URI proxy = URI.create(peer.proxy());
            assertEquals(baseName + suffix, proxy.getHost(), peer.id() + ": the Service the overlay makes");
            assertEquals(basePort, proxy.getPort(), peer.id());

            Map<?, ?> labels = (Map<?, ?>) listAt(kustomization, "labels").get(0);
            assertEquals(Boolean.TRUE, labels.get("includeSelectors"),
                    peer.id() + ": without the node label in its selector, a node's Service selects every node's pod");
            String patch = (String) ((Map<?, ?>) listAt(kustomization, "patches").get(0)).get("patch");
            assertTrue(patch.contains("kubernetes.io/hostname: " + peer.id()), peer.id() + " is pinned to its node");

            Map<?, ?> generator = (Map<?, ?>) listAt(kustomization, "configMapGenerator").get(0);
            assertEquals("modelswap-config", generator.get("name"));
            assertEquals("replace", generator.get("behavior"));
            String nodeYaml = Manifests.read(overlay.resolve("config.yaml"));
            LoadResult node = new ConfigLoader(name -> null).parse("config.yaml", nodeYaml);
            SwapConfig nodeConfig = node.config().orElseGet(() -> fail(peer.id() + ": " + node.errorReport()));
            assertEquals(new TreeSet<>(nodeConfig.models().keySet()), new TreeSet<>(peer.models()),
                    peer.id() + ": the front lists exactly the models its node defines");
        }
    }

    @Test
    void theFrontsSelectorFailsOverAcrossNodes() {
        var chat = frontConfig.selectors().get("chat");
        assertEquals("failover", chat.strategy());
        assertEquals(List.of("gpu-node-1", "gpu-node-2"), chat.targets().stream()
                .map(t -> t.substring(0, t.indexOf('/'))).toList(), "one target per node, each by its FQN");
    }

    @Test
    void theFrontHoldsNoGpuRunsNoModelAndNoNodeServiceSelectsIt() {
        assertTrue(frontConfig.models().isEmpty());
        Map<String, Object> deployment = front.get("Deployment");
        Map<?, ?> container = (Map<?, ?>) listAt(deployment, "spec.template.spec.containers").get(0);
        assertFalse(String.valueOf(container.get("resources")).contains("nvidia.com/gpu"));
        Map<String, Object> podLabels = mapAt(deployment, "spec.template.metadata.labels");
        Map<String, Object> baseService = map(Manifests.loadAll(KUBERNETES.resolve("service.yaml")).get(0),
                "service.yaml");
        Map<String, Object> nodeSelector = mapAt(baseService, "spec.selector");
        assertFalse(podLabels.entrySet().containsAll(nodeSelector.entrySet()),
                "a node's Service must not send requests to the front");
        assertEquals(podLabels, mapAt(front.get("Service"), "spec.selector"));
        assertEquals("/config/config.yaml", ((List<?>) container.get("args")).get(1));
        assertTrue(Files.isRegularFile(MULTI.resolve("front.yaml")));
        assertEquals("modelswap-front-config", at(deployment, "spec.template.spec.volumes") instanceof List<?> v
                ? ((Map<?, ?>) ((Map<?, ?>) v.get(0)).get("configMap")).get("name") : null);
    }
}
