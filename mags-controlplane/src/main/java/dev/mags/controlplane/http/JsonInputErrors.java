package dev.mags.controlplane.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.mags.controlplane.error.BadRequestException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** Turns what Jackson refuses in a request body into a 400 that names the field, as {@code environment.HOME}. */
final class JsonInputErrors {
    /** Jackson's message for a field given twice under {@code STRICT_DUPLICATE_DETECTION}. */
    private static final String DUPLICATE = "Duplicate field '";

    private JsonInputErrors() {}

    static BadRequestException of(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return new BadRequestException("unknown_field", "unknown field '" + pathOf(u.getPath()) + "'");
        }
        String duplicate = duplicatePath(e);
        if (duplicate != null) {
            return new BadRequestException("duplicate_field", "field '" + duplicate
                    + "' appears more than once in the request body; give each field once");
        }
        String path = e instanceof JsonMappingException m ? pathOf(m.getPath()) : "";
        if (path.isEmpty()) {
            if (e instanceof MismatchedInputException) {
                return new BadRequestException("invalid_json", "request body must be one JSON object: "
                        + e.getOriginalMessage());
            }
            return new BadRequestException("invalid_json", "request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String got = m instanceof InvalidFormatException f ? ", not " + shown(f.getValue()) : "";
            return new BadRequestException("invalid_field", "'" + path + "' must be " + expected(m.getTargetType()) + got);
        }
        return new BadRequestException("invalid_field", "'" + path + "' is not valid: " + e.getOriginalMessage());
    }

    /** The path of a field given twice, or null when {@code e} is not about that. */
    private static String duplicatePath(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException p && p.getOriginalMessage() != null
                    && p.getOriginalMessage().startsWith(DUPLICATE)) {
                if (p.getProcessor() instanceof JsonParser parser) {
                    return pathOf(parser.getParsingContext());
                }
                String rest = p.getOriginalMessage().substring(DUPLICATE.length());
                return rest.endsWith("'") ? rest.substring(0, rest.length() - 1) : rest;
            }
        }
        return null;
    }

    private static String pathOf(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            append(sb, r.getFieldName(), r.getIndex());
        }
        return sb.toString();
    }

    private static String pathOf(JsonStreamContext context) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        StringBuilder sb = new StringBuilder();
        for (JsonStreamContext c : chain) {
            append(sb, c.inObject() ? c.getCurrentName() : null, c.getCurrentIndex());
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String field, int index) {
        if (field != null) {
            sb.append(sb.isEmpty() ? "" : ".").append(field);
        } else {
            sb.append('[').append(index).append(']');
        }
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "a whole number (a JSON number without a fraction)";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return Map.class.isAssignableFrom(type) ? "an object of string values" : "an object";
    }

    private static String shown(Object value) {
        if (value instanceof String s) {
            return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        }
        return String.valueOf(value);
    }
}
