package io.modelswap.api;

import io.modelswap.app.ConfigReloader;
import io.modelswap.configview.UiConfig;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The configuration reload as an operator sees it: {@code GET} the outcome of the last load (startup counts) as
 * {@code {at, trigger, ok, errors, warnings, models, file, dir, problems}}, {@code POST} to reload now and get the new
 * outcome. A refused reload answers 200 with {@code ok: false}: the request worked, the file did not. The JSON is
 * written by hand ({@link UiConfig#reload}), so nothing here needs reflection in the native image.
 */
@Path("/api/config/reload")
@Produces(MediaType.APPLICATION_JSON)
public class ConfigReloadResource {

    private final ConfigReloader reloader;

    public ConfigReloadResource(ConfigReloader reloader) {
        this.reloader = reloader;
    }

    @GET
    public String last() {
        return UiConfig.reload(reloader.lastReload()).encode();
    }

    /** Runs on a worker thread (a blocking return type): loading reads files and waits for the router. */
    @POST
    public String reloadNow() {
        return UiConfig.reload(reloader.reload(ConfigReloader.API)).encode();
    }
}
