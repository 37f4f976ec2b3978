package dev.mags.controlplane.ssh.files;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code view:name,name} or {@code view:*} as {@code Files.readAttributes} and {@code setAttribute} take it. */
record AttributeNames(String view, List<String> names) {
    private static final Set<String> VIEWS = Set.of("basic", "posix", "unix", "owner");

    static AttributeNames parse(String attributes) {
        int colon = attributes.indexOf(':');
        String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        String list = colon < 0 ? attributes : attributes.substring(colon + 1);
        if (!VIEWS.contains(view)) {
            throw new UnsupportedOperationException("view '" + view + "' is not available for a sandbox's files");
        }
        return new AttributeNames(view.equals("owner") ? "posix" : view, List.of(list.split(",")));
    }

    /** The named attributes out of all of the view's. */
    Map<String, Object> select(Map<String, Object> all) {
        if (names.contains("*")) {
            return all;
        }
        Map<String, Object> picked = new LinkedHashMap<>();
        for (String name : names) {
            if (!all.containsKey(name)) {
                throw new IllegalArgumentException("'" + name + "' is not an attribute of view '" + view + "'");
            }
            picked.put(name, all.get(name));
        }
        return picked;
    }

    /** The one attribute a {@code setAttribute} names. */
    String single() {
        if (names.size() != 1) {
            throw new IllegalArgumentException("one attribute expected, got " + names);
        }
        return names.get(0);
    }
}
