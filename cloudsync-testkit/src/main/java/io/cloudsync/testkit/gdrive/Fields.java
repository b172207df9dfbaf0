package io.cloudsync.testkit.gdrive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code fields} partial-response selector: {@code id,name,files(id,size),nextPageToken}, {@code *}. */
final class Fields {

    private final Map<String, Fields> children = new LinkedHashMap<>();
    private boolean all;

    private Fields() {
    }

    static Fields parse(String spec) {
        Fields root = new Fields();
        int end = parseInto(root, spec.replace(" ", ""), 0);
        if (end != spec.replace(" ", "").length()) {
            throw new IllegalArgumentException("unbalanced parentheses in fields=" + spec);
        }
        return root;
    }

    private static int parseInto(Fields target, String s, int i) {
        StringBuilder name = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ',') {
                add(target, name.toString(), null);
                name.setLength(0);
                i++;
            } else if (c == '(') {
                Fields sub = new Fields();
                i = parseInto(sub, s, i + 1);
                if (i >= s.length() || s.charAt(i) != ')') {
                    throw new IllegalArgumentException("unbalanced parentheses in fields");
                }
                add(target, name.toString(), sub);
                name.setLength(0);
                i++;
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                }
            } else if (c == ')') {
                add(target, name.toString(), null);
                return i;
            } else {
                name.append(c);
                i++;
            }
        }
        add(target, name.toString(), null);
        return i;
    }

    private static void add(Fields target, String name, Fields sub) {
        if (name.isEmpty()) {
            return;
        }
        if (name.equals("*")) {
            target.all = true;
            return;
        }
        // "files/id" is a legal spelling of files(id)
        int slash = name.indexOf('/');
        if (slash > 0) {
            Fields nested = target.children.computeIfAbsent(name.substring(0, slash), k -> new Fields());
            add(nested, name.substring(slash + 1), sub);
            return;
        }
        Fields existing = target.children.get(name);
        if (sub == null) {
            target.children.put(name, existing == null ? new Fields() : existing);
            if (existing == null) {
                target.children.get(name).all = true;
            }
        } else {
            target.children.put(name, sub);
        }
    }

    JsonNode apply(JsonNode node) {
        if (all || node == null) {
            return node;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(apply(element)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            Fields sub = children.get(e.getKey());
            if (sub != null) {
                out.set(e.getKey(), sub.apply(e.getValue()));
            }
        }
        return out;
    }
}
