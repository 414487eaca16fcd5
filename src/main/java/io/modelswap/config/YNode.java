package io.modelswap.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mutable YAML node that knows where it came from. SnakeYAML's nodes share objects between an anchor and its
 * aliases and carry no file name; macro expansion and config-dir merging need neither sharing nor guessing, so the
 * parsed tree is copied into these once.
 *
 * <p>A node stored as a mapping value carries the line of its <em>key</em>: that is the line a person looks for.
 */
final class YNode {

    enum Kind { MAP, SEQ, SCALAR }

    /** YAML 1.2 core types of a scalar (llama-swap's yaml.v3 resolves plain scalars this way). */
    enum Type { STR, INT, FLOAT, BOOL, NULL }

    private final Kind kind;
    private String file;
    private int line;
    private Type type;
    private String value;
    private final LinkedHashMap<String, YNode> map;
    private final List<YNode> seq;

    private YNode(Kind kind, String file, int line, Type type, String value) {
        this.kind = kind;
        this.file = file;
        this.line = line;
        this.type = type;
        this.value = value;
        this.map = kind == Kind.MAP ? new LinkedHashMap<>() : null;
        this.seq = kind == Kind.SEQ ? new ArrayList<>() : null;
    }

    static YNode scalar(String file, int line, Type type, String value) {
        return new YNode(Kind.SCALAR, file, line, type, value);
    }

    static YNode string(String file, int line, String value) {
        return scalar(file, line, Type.STR, value);
    }

    static YNode map(String file, int line) {
        return new YNode(Kind.MAP, file, line, null, null);
    }

    static YNode seq(String file, int line) {
        return new YNode(Kind.SEQ, file, line, null, null);
    }

    Kind kind() {
        return kind;
    }

    String file() {
        return file;
    }

    int line() {
        return line;
    }

    void at(String newFile, int newLine) {
        this.file = newFile;
        this.line = newLine;
    }

    boolean isMap() {
        return kind == Kind.MAP;
    }

    boolean isSeq() {
        return kind == Kind.SEQ;
    }

    boolean isScalar() {
        return kind == Kind.SCALAR;
    }

    boolean isNull() {
        return kind == Kind.SCALAR && type == Type.NULL;
    }

    boolean isString() {
        return kind == Kind.SCALAR && type == Type.STR;
    }

    Type type() {
        return type;
    }

    String value() {
        return value;
    }

    void setScalar(Type newType, String newValue) {
        this.type = newType;
        this.value = newValue;
    }

    /** Entries of a mapping, in order; mutable. */
    Map<String, YNode> entries() {
        return map;
    }

    /** Items of a sequence; mutable. */
    List<YNode> items() {
        return seq;
    }

    /** The child under {@code key} of a mapping, or null (also when this is not a mapping). */
    YNode get(String key) {
        return map == null ? null : map.get(key);
    }

    /** The child at the end of {@code keys}, or null where any step is missing. */
    YNode path(String... keys) {
        YNode node = this;
        for (String key : keys) {
            node = node.get(key);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    /** A deep copy (macro expansion must not change a node another model also reaches). */
    YNode copy() {
        YNode copy = new YNode(kind, file, line, type, value);
        if (map != null) {
            map.forEach((key, child) -> copy.map.put(key, child.copy()));
        }
        if (seq != null) {
            seq.forEach(child -> copy.seq.add(child.copy()));
        }
        return copy;
    }

    /** The Java value: String, Long/Integer, Double, Boolean, null, List or insertion-ordered Map. */
    Object toJava() {
        switch (kind) {
            case MAP: {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((key, child) -> out.put(key, child.toJava()));
                return out;
            }
            case SEQ: {
                List<Object> out = new ArrayList<>();
                seq.forEach(child -> out.add(child.toJava()));
                return out;
            }
            default:
                return Scalars.toJava(type, value);
        }
    }

    @Override
    public String toString() {
        return kind == Kind.SCALAR ? type + ":" + value : kind + (map != null ? map.toString() : seq.toString());
    }
}
