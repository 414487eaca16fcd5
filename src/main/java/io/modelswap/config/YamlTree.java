package io.modelswap.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Parses one file with SnakeYAML's node API ({@code compose}: key order and line numbers kept, nothing constructed)
 * and copies it into {@link YNode}s: aliases materialized, {@code <<} merge keys applied, duplicate keys rejected
 * (yaml.v3 rejects them too).
 */
final class YamlTree {

    /** Deeper than any sane config; stops a recursive alias from looping forever. */
    private static final int MAX_DEPTH = 64;

    private static final Resolver RESOLVER = new Resolver();

    private final String file;
    private final Problems problems;

    private YamlTree(String file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    /** The root mapping, an empty mapping for an empty file, or null when the file cannot be read as YAML. */
    static YNode parse(String file, String text, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // reported by the copy below, with the line of the second key
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            YamlSyntaxError error = YamlSyntaxError.of(e);
            problems.error(file, error.line(), "", error.message());
            return null;
        } catch (YAMLException e) {
            problems.error(file, 0, "", "invalid YAML: " + e.getMessage());
            return null;
        }
        if (root == null) {
            return YNode.map(file, 1);
        }
        YamlTree tree = new YamlTree(file, problems);
        YNode converted = tree.convert(root, 0);
        if (converted == null) {
            return null;
        }
        if (converted.isNull()) {
            return YNode.map(file, 1);
        }
        if (!converted.isMap()) {
            problems.error(converted, "", "the top level must be a mapping");
            return null;
        }
        return converted;
    }

    private YNode convert(Node node, int depth) {
        int line = node.getStartMark().getLine() + 1;
        if (depth > MAX_DEPTH) {
            problems.error(file, line, "", "nesting too deep (recursive alias?)");
            return null;
        }
        if (node instanceof ScalarNode) {
            return scalar((ScalarNode) node, line);
        }
        if (node instanceof SequenceNode) {
            YNode seq = YNode.seq(file, line);
            for (Node item : ((SequenceNode) node).getValue()) {
                YNode child = convert(item, depth + 1);
                if (child != null) {
                    seq.items().add(child);
                }
            }
            return seq;
        }
        return mapping((MappingNode) node, line, depth);
    }

    private YNode scalar(ScalarNode node, int line) {
        String text = node.getValue();
        YNode.Type type;
        if (node.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN || Tag.STR.equals(node.getTag())
                && !Tag.STR.equals(RESOLVER.resolve(NodeId.scalar, text, true))) {
            // quoted, block, or an explicit !!str on something that would otherwise be typed
            type = YNode.Type.STR;
        } else {
            type = Scalars.resolvePlain(text);
        }
        return YNode.scalar(file, line, type, text);
    }

    private YNode mapping(MappingNode node, int line, int depth) {
        YNode map = YNode.map(file, line);
        List<YNode> merged = new ArrayList<>();
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            int keyLine = keyNode.getStartMark().getLine() + 1;
            if (!(keyNode instanceof ScalarNode)) {
                problems.error(file, keyLine, "", "only plain keys are supported");
                continue;
            }
            String key = ((ScalarNode) keyNode).getValue();
            if (Tag.MERGE.equals(keyNode.getTag()) || "<<".equals(key)) {
                YNode source = convert(tuple.getValueNode(), depth + 1);
                if (source != null && source.isMap()) {
                    merged.add(source);
                } else if (source != null && source.isSeq()) {
                    source.items().stream().filter(YNode::isMap).forEach(merged::add);
                } else {
                    problems.error(file, keyLine, "", "a << merge key needs a mapping or a list of mappings");
                }
                continue;
            }
            if (map.entries().containsKey(key)) {
                problems.error(file, keyLine, "", "duplicate key '" + key + "' (first at line "
                        + map.get(key).line() + ")");
                continue;
            }
            YNode value = convert(tuple.getValueNode(), depth + 1);
            if (value != null) {
                value.at(file, keyLine);
                map.entries().put(key, value);
            }
        }
        // Explicit keys win over merged ones; earlier merge sources win over later ones (YAML merge-key rules).
        for (YNode source : merged) {
            source.entries().forEach((key, value) -> map.entries().putIfAbsent(key, value.copy()));
        }
        return map;
    }
}
