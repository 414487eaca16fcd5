package io.modelswap.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * YAML 1.2 core-schema typing of plain scalars. SnakeYAML resolves YAML 1.1 ({@code yes}, {@code on} are booleans);
 * llama-swap's yaml.v3 does not, and typed macros and metadata must come out as llama-swap makes them.
 */
final class Scalars {

    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
    private static final Pattern BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");
    private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)");
    private static final Pattern FLOAT = Pattern.compile(
            "[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

    private Scalars() {
    }

    static YNode.Type resolvePlain(String text) {
        if (NULL.matcher(text).matches()) {
            return YNode.Type.NULL;
        }
        if (BOOL.matcher(text).matches()) {
            return YNode.Type.BOOL;
        }
        if (INT.matcher(text).matches()) {
            return YNode.Type.INT;
        }
        if (FLOAT.matcher(text).matches()) {
            return YNode.Type.FLOAT;
        }
        return YNode.Type.STR;
    }

    static Object toJava(YNode.Type type, String text) {
        switch (type) {
            case NULL:
                return null;
            case BOOL:
                return Boolean.valueOf(text.toLowerCase(java.util.Locale.ROOT));
            case INT: {
                BigInteger big = parseInt(text);
                if (big.bitLength() < 32) {
                    return big.intValue();
                }
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
            case FLOAT:
                return parseFloat(text);
            default:
                return text;
        }
    }

    /** The text a typed value takes inside a string, as Go's {@code %v} prints it ({@code 0x10} is 16). */
    static String canonical(YNode.Type type, String text) {
        switch (type) {
            case NULL:
                return "<nil>";
            case BOOL:
                return text.toLowerCase(java.util.Locale.ROOT);
            case INT:
                return parseInt(text).toString();
            case FLOAT: {
                double d = parseFloat(text);
                if (Double.isNaN(d)) {
                    return "NaN";
                }
                if (Double.isInfinite(d)) {
                    return d > 0 ? "+Inf" : "-Inf";
                }
                BigDecimal decimal = new BigDecimal(Double.toString(d)).stripTrailingZeros();
                return decimal.scale() <= 0 && decimal.precision() - decimal.scale() > 21 ? Double.toString(d)
                        : decimal.toPlainString();
            }
            default:
                return text;
        }
    }

    private static BigInteger parseInt(String text) {
        String t = text.replace("_", "");
        boolean negative = t.startsWith("-");
        if (t.startsWith("-") || t.startsWith("+")) {
            t = t.substring(1);
        }
        BigInteger v;
        if (t.startsWith("0x")) {
            v = new BigInteger(t.substring(2), 16);
        } else if (t.startsWith("0o")) {
            v = new BigInteger(t.substring(2), 8);
        } else if (t.startsWith("0b")) {
            v = new BigInteger(t.substring(2), 2);
        } else if (t.length() > 1 && t.startsWith("0")) {
            v = new BigInteger(t.substring(1), 8);
        } else {
            v = new BigInteger(t);
        }
        return negative ? v.negate() : v;
    }

    private static double parseFloat(String text) {
        String t = text.replace("_", "");
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".nan")) {
            return Double.NaN;
        }
        if (lower.endsWith(".inf")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(t);
    }
}
