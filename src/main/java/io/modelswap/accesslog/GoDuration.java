package io.modelswap.accesslog;

/**
 * A duration spelled as Go's {@code time.Duration.String()} spells it ({@code 11.05µs}, {@code 1.234567ms},
 * {@code 2.5s}, {@code 1m2.5s}), since llama-swap's access lines carry that spelling and users' log parsers expect it.
 */
final class GoDuration {

    private GoDuration() {
    }

    static String of(long nanos) {
        StringBuilder out = new StringBuilder(16);
        append(out, nanos);
        return out.toString();
    }

    static void append(StringBuilder out, long nanos) {
        if (nanos < 0) {
            out.append('-');
            nanos = -nanos;
        }
        if (nanos == 0) {
            out.append("0s");
        } else if (nanos < 1_000L) {
            out.append(nanos).append("ns");
        } else if (nanos < 1_000_000L) {
            fraction(out, nanos, 1_000L).append("µs");
        } else if (nanos < 1_000_000_000L) {
            fraction(out, nanos, 1_000_000L).append("ms");
        } else {
            long hours = nanos / 3_600_000_000_000L;
            long minutes = nanos / 60_000_000_000L % 60;
            if (hours > 0) {
                out.append(hours).append('h');
            }
            if (hours > 0 || minutes > 0) {
                out.append(minutes).append('m');
            }
            fraction(out, nanos % 60_000_000_000L, 1_000_000_000L).append('s');
        }
    }

    /** {@code value / unit} to the unit's precision, trailing zeros (and a bare point) dropped. */
    private static StringBuilder fraction(StringBuilder out, long value, long unit) {
        out.append(value / unit);
        long rest = value % unit;
        if (rest != 0) {
            out.append('.');
            int mark = out.length();
            for (long scale = unit / 10; scale > 0; scale /= 10) {
                out.append((char) ('0' + rest / scale % 10));
            }
            int end = out.length();
            while (end > mark && out.charAt(end - 1) == '0') {
                end--;
            }
            out.setLength(end);
        }
        return out;
    }
}
