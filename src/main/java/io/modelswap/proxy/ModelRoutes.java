package io.modelswap.proxy;

import java.util.List;

/**
 * The model-routed endpoints of llama-swap (its section 3.1): where the model is read from and what path the upstream
 * gets. Everything else is either modelswap's own API or {@code /upstream/<model>/...}.
 */
final class ModelRoutes {

    /** A route: requests to {@code path} with {@code method} are proxied to {@code upstreamPath} of their model. */
    record Route(String method, String path, String upstreamPath) {
    }

    private static final List<String> BODY_PATHS = List.of(
            "/v1/chat/completions", "/v1/responses", "/v1/completions", "/v1/messages", "/v1/messages/count_tokens",
            "/v1/embeddings", "/reranking", "/rerank", "/v1/rerank", "/v1/reranking", "/infill", "/completion",
            "/v1/audio/speech", "/v1/audio/voices", "/v1/images/generations", "/sdapi/v1/txt2img",
            "/sdapi/v1/img2img", "/v1/audio/transcriptions", "/v1/images/edits");

    /** Versionless aliases (llama-swap #728): {@code /v/x} is forwarded as {@code /x}. */
    private static final List<String> VERSIONLESS = List.of("chat/completions", "responses", "completions", "messages",
            "messages/count_tokens", "embeddings", "rerank", "reranking");

    private static final List<String> QUERY_PATHS = List.of("/v1/audio/voices", "/sdapi/v1/loras", "/props");

    static final List<Route> ALL = build();

    /** Every route's path, for the access check. */
    static final java.util.Set<String> PATHS = ALL.stream().map(Route::path)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private ModelRoutes() {
    }

    private static List<Route> build() {
        List<Route> routes = new java.util.ArrayList<>();
        for (String path : BODY_PATHS) {
            routes.add(new Route("POST", path, path));
        }
        for (String path : VERSIONLESS) {
            routes.add(new Route("POST", "/v/" + path, "/" + path));
        }
        routes.add(new Route("POST", "/audioapi/v1/tasks/run", "/v1/tasks/run"));
        for (String path : QUERY_PATHS) {
            routes.add(new Route("GET", path, path));
        }
        return List.copyOf(routes);
    }
}
