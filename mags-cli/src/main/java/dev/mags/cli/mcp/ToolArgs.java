package dev.mags.cli.mcp;

import java.util.LinkedHashMap;
import java.util.Map;

/** A tool call's arguments, read by name; a wrong or missing one is an {@link IllegalArgumentException} naming it. */
record ToolArgs(Map<String, Object> values) {
    ToolArgs {
        values = values == null ? Map.of() : values;
    }

    String string(String name) {
        String value = optString(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing argument '" + name + "'");
        }
        return value;
    }

    String optString(String name) {
        Object value = values.get(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IllegalArgumentException("argument '" + name + "' must be a string, got " + value);
    }

    boolean flag(String name) {
        Object value = values.get(name);
        if (value == null || value instanceof Boolean) {
            return Boolean.TRUE.equals(value);
        }
        throw new IllegalArgumentException("argument '" + name + "' must be true or false, got " + value);
    }

    Integer optInt(String name, int min) {
        Object value = values.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < min
                || n.longValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("argument '" + name + "' must be a whole number of at least " + min
                    + ", got " + value);
        }
        return n.intValue();
    }

    Map<String, String> stringMap(String name) {
        Object value = values.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("argument '" + name + "' must be an object of strings, got " + value);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException("argument '" + name + "." + e.getKey() + "' must be a string");
            }
            out.put(String.valueOf(e.getKey()), s);
        }
        return out;
    }
}
