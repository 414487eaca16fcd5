package io.modelswap.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A first guess at a model's GPU memory before it has ever run: the size of the GGUF file its {@code cmd} names, plus
 * a margin for the KV cache and compute buffers. Only a guess: the first measured figure replaces it.
 */
public final class GgufGuess {

    /** The margin is this share of the file's size ... */
    public static final double MARGIN_SHARE = 0.20;
    /** ... plus this (llama.cpp's CUDA context and compute buffers alone take several hundred MiB). */
    public static final long MARGIN_FIXED = ByteSize.GIB;

    /** llama.cpp's split files: {@code name-00001-of-00003.gguf}. */
    private static final Pattern SPLIT = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf", Pattern.CASE_INSENSITIVE);

    /** The guess and the file it came from. */
    public record Guess(long bytes, String file) {
    }

    private GgufGuess() {
    }

    /** The guess for {@code cmd}, or empty when it names no readable {@code .gguf} file. */
    public static Optional<Guess> of(String cmd) {
        for (String token : cmd.split("\\s+")) {
            String word = token.replaceAll("^['\"]|['\"]$", "");
            int eq = word.indexOf('=');
            if (word.startsWith("-") && eq > 0) {
                word = word.substring(eq + 1); // --model=/models/x.gguf
            }
            if (!word.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
                continue;
            }
            long size = sizeOf(Path.of(word));
            if (size > 0) {
                return Optional.of(new Guess(withMargin(size), word));
            }
        }
        return Optional.empty();
    }

    /** The file's size plus {@link #MARGIN_SHARE} and {@link #MARGIN_FIXED}. */
    public static long withMargin(long fileBytes) {
        return fileBytes + Math.round(fileBytes * MARGIN_SHARE) + MARGIN_FIXED;
    }

    /** The size of a GGUF file, all parts of a split one counted; 0 when it cannot be read. */
    private static long sizeOf(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return 0;
            }
            Matcher split = SPLIT.matcher(file.getFileName().toString());
            if (!split.matches() || file.getParent() == null) {
                return Files.size(file);
            }
            String stem = split.group(1);
            List<Path> parts = new ArrayList<>();
            try (Stream<Path> siblings = Files.list(file.getParent())) {
                siblings.filter(p -> {
                    Matcher m = SPLIT.matcher(p.getFileName().toString());
                    return m.matches() && m.group(1).equals(stem) && m.group(3).equals(split.group(3));
                }).forEach(parts::add);
            }
            long total = 0;
            for (Path part : parts) {
                total += Files.size(part);
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
