package io.modelswap.config;

/** Key-path spelling shared by problems, the line index and the SmallRye property names. */
final class Keys {

    private Keys() {
    }

    /** A key as one path segment: in double quotes when it contains a dot, as SmallRye writes it. */
    static String quote(String key) {
        return key.indexOf('.') >= 0 || key.isEmpty() ? "\"" + key + "\"" : key;
    }

    static String join(String path, String key) {
        return path.isEmpty() ? quote(key) : path + "." + quote(key);
    }
}
