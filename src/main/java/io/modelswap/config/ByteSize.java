package io.modelswap.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as users write them ({@code 24GiB}, {@code 512MiB}, {@code 80GB}, {@code 1.5 TiB}, a bare number of
 * bytes) and as modelswap says them back ({@code 22 GiB}). Binary units are powers of 1024 and decimal units powers of
 * 1000, as nvidia-smi and the GGUF tools mean them.
 */
public final class ByteSize {

    public static final long KIB = 1024;
    public static final long MIB = KIB * 1024;
    public static final long GIB = MIB * 1024;
    public static final long TIB = GIB * 1024;

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");

    private ByteSize() {
    }

    /** The size in bytes, or -1 when {@code text} is not a size. */
    public static long parse(String text) {
        if (text == null) {
            return -1;
        }
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            return -1;
        }
        double unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k", "kb" -> 1e3;
            case "m", "mb" -> 1e6;
            case "g", "gb" -> 1e9;
            case "t", "tb" -> 1e12;
            case "ki", "kib" -> KIB;
            case "mi", "mib" -> MIB;
            case "gi", "gib" -> GIB;
            case "ti", "tib" -> TIB;
            default -> -1;
        };
        if (unit < 0) {
            return -1;
        }
        double bytes = Double.parseDouble(m.group(1)) * unit;
        return bytes > Long.MAX_VALUE / 2 ? -1 : Math.round(bytes);
    }

    /** {@code 22 GiB}, {@code 1.5 GiB}, {@code 600 MiB}: what a person reads in a log line. */
    public static String format(long bytes) {
        if (bytes >= GIB) {
            return trim(bytes / (double) GIB) + " GiB";
        }
        if (bytes >= MIB) {
            return trim(bytes / (double) MIB) + " MiB";
        }
        return bytes + " B";
    }

    private static String trim(double value) {
        String s = String.format(Locale.ROOT, "%.1f", value);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
