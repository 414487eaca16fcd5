package io.modelswap.api;

import io.modelswap.http.ApiErrors;
import io.modelswap.cli.Version;
import io.modelswap.config.ModelConfig;
import io.modelswap.process.ProcessView;
import io.modelswap.placement.MemoryBoard;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** llama-swap's operational endpoints: health, running models, unloading, version. */
@Path("/")
public class OperationsResource {

    private final Router router;

    private final MemoryBoard memory;

    public OperationsResource(Router router, MemoryBoard memory) {
        this.memory = memory;
        this.router = router;
    }

    @GET
    @Path("health")
    @Produces(MediaType.TEXT_PLAIN)
    public String health() {
        return "OK";
    }

    @GET
    @Path("running")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> running() {
        RouterView view = router.view();
        List<Map<String, Object>> running = new ArrayList<>();
        for (ProcessView process : view.processes().values()) {
            if (!process.state().isRunning()) {
                continue;
            }
            ModelConfig model = process.config();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("model", model.id());
            entry.put("state", process.state().apiName());
            entry.put("cmd", model.cmd());
            entry.put("proxy", model.proxy());
            entry.put("ttl", model.ttlSeconds());
            entry.put("name", model.name());
            entry.put("description", model.description());
            Map<String, Object> held = memory.view().json(model.id());
            if (held != null) {
                entry.put("memory", held);
            }
            running.add(entry);
        }
        return Map.of("running", running);
    }

    @GET
    @Path("unload")
    @Produces(MediaType.TEXT_PLAIN)
    public CompletionStage<String> unloadAllGet() {
        return router.unload(List.of()).map("OK").toCompletionStage();
    }

    @POST
    @Path("api/models/unload")
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Map<String, String>> unloadAll() {
        return router.unload(List.of()).map(Map.of("msg", "ok")).toCompletionStage();
    }

    @POST
    @Path("api/models/unload/{model: .+}")
    @Produces(MediaType.TEXT_PLAIN)
    public CompletionStage<Response> unloadOne(@PathParam("model") String requested) {
        return router.view().config().resolve(requested)
                .map(model -> router.unload(List.of(model.id())).map(v -> Response.ok("OK").build()).toCompletionStage())
                .orElseGet(() -> java.util.concurrent.CompletableFuture.completedStage(
                        ApiErrors.modelNotFound("model '" + requested + "' not found")));
    }

    @GET
    @Path("api/version")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> version() {
        return Map.of("version", Version.VERSION, "commit", Version.COMMIT, "build_date", Version.BUILD_DATE);
    }
}
