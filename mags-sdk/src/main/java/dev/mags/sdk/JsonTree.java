package dev.mags.sdk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON documents as plain values, read and written by jackson-core's streaming parser and generator, for
 * what a short-lived program reads at start-up ({@link QuickRun}'s documents, the CLI's config file).
 * Neither Jackson's data binding nor jackson-jr: the first takes longer to start than a short job runs,
 * the second loads the time-zone database in a static initializer (6 ms of a {@code mags run}).
 * Values are {@link Map} (in the document's order), {@link List}, {@link String}, {@link Integer},
 * {@link Long} or {@link java.math.BigInteger}, {@link Double}, {@link Boolean} and {@code null}.
 */
public final class JsonTree {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonTree() {}

    /**
     * Initializes the parser's classes by reading a small document. jackson-core's parser builds BigInteger and
     * BigDecimal constants in its static initializers, several milliseconds before a first answer can be read;
     * a thread that waits for the server can have them made by another one meanwhile.
     */
    static void warmUpReading() {
        try {
            read("{\"seq\":1,\"message\":\"\\u00e9\",\"list\":[1.5,true,null]}");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("jackson-core cannot read a small document", e);
        }
    }

    /** The one value of {@code text}; anything else, text after it included, is a {@link JsonProcessingException}. */
    public static Object read(String text) throws JsonProcessingException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new Unreadable("no JSON value");
            }
            Object value = value(parser, first);
            if (parser.nextToken() != null) {
                throw new Unreadable("unexpected text after the JSON value at " + parser.currentLocation().offsetDescription());
            }
            return value;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new Unreadable(e.getMessage(), e);
        }
    }

    /** A JSON object, or {@code null} for {@code null}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readObject(String text) throws JsonProcessingException {
        Object value = read(text);
        if (value != null && !(value instanceof Map)) {
            throw new Unreadable("expected a JSON object");
        }
        return (Map<String, Object>) value;
    }

    /** {@code value} (made of the types this class reads) as UTF-8 JSON, indented by two spaces if {@code pretty}. */
    public static byte[] write(Object value, boolean pretty) throws JsonProcessingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            if (pretty) {
                generator.useDefaultPrettyPrinter();
            }
            write(generator, value);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new Unreadable(e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    map.put(name, value(parser, parser.nextToken()));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(value(parser, t));
                }
                return list;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT -> {
                return parser.getNumberValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return parser.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new Unreadable("unexpected " + token + " at " + parser.currentLocation().offsetDescription());
        }
    }

    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String s) {
            generator.writeString(s);
        } else if (value instanceof Boolean b) {
            generator.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long) {
            generator.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double d) {
            generator.writeNumber(d);
        } else if (value instanceof java.math.BigInteger b) {
            generator.writeNumber(b);
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                generator.writeFieldName(String.valueOf(e.getKey()));
                write(generator, e.getValue());
            }
            generator.writeEndObject();
        } else if (value instanceof List<?> list) {
            generator.writeStartArray();
            for (Object element : list) {
                write(generator, element);
            }
            generator.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    /** What does not fit the expected document. */
    static final class Unreadable extends JsonProcessingException {
        Unreadable(String message) {
            super(message);
        }

        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
