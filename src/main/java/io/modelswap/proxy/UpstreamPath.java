package io.modelswap.proxy;

import io.modelswap.http.BadRequestException;
import io.modelswap.backend.ServedModel;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/**
 * Splits {@code /upstream/<model>/<rest>} the way llama-swap does: the longest configured model name (IDs may contain
 * slashes, as in {@code author/model}) that matches whole path segments; the rest is forwarded still percent-encoded.
 * Segments are decoded one at a time, so an encoded slash ({@code %2F}) can never join two segments into a model name,
 * and {@code .} or {@code ..} segments are refused rather than left for someone to resolve.
 *
 * @param model       the model the path names
 * @param requested   the name as written in the path (an ID or alias)
 * @param rest        the remaining raw path, starting with {@code /}; empty when the path ends at the model name
 */
record UpstreamPath(ServedModel model, String requested, String rest) {

    static final String PREFIX = "/upstream/";

    static Optional<UpstreamPath> match(String rawPath, Function<String, Optional<ServedModel>> resolve) {
        if (!rawPath.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] segments = rawPath.substring(PREFIX.length()).split("/", -1);
        StringBuilder name = new StringBuilder();
        UpstreamPath longest = null;
        for (int i = 0; i < segments.length; i++) {
            String decoded = decode(segments[i]);
            if (decoded.contains("/") || decoded.equals(".") || decoded.equals("..")) {
                if (longest == null) {
                    throw new BadRequestException(400, "invalid model name in path: " + rawPath);
                }
                break;
            }
            if (i > 0) {
                name.append('/');
            }
            name.append(decoded);
            Optional<ServedModel> model = resolve.apply(name.toString());
            if (model.isPresent()) {
                String rest = i + 1 < segments.length ? "/" + String.join("/", java.util.Arrays.copyOfRange(
                        segments, i + 1, segments.length)) : "";
                longest = new UpstreamPath(model.get(), name.toString(), rest);
            }
        }
        if (longest != null) {
            for (String segment : longest.rest.split("/")) {
                String decoded = decode(segment);
                if (decoded.equals("..") || decoded.equals(".")) {
                    throw new BadRequestException(400, "'.' and '..' are not allowed in upstream paths: " + rawPath);
                }
            }
        }
        return Optional.ofNullable(longest);
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(400, "invalid percent-encoding in path segment '" + segment + "'");
        }
    }
}
