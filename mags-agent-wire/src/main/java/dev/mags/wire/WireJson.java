package dev.mags.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.WorkspaceKey;
import java.io.IOException;
import java.util.function.Function;

/**
 * The JSON of the wire form: the contract's records as Jackson writes records, instants and durations as ISO-8601,
 * and the two identifiers ({@link SandboxId}, {@link WorkspaceKey}) as plain strings, also as map keys. Unknown
 * fields are ignored, so that an agent and a control plane one minor version apart still understand each other.
 */
public final class WireJson {
    private WireJson() {}

    public static ObjectMapper mapper() {
        SimpleModule ids = new SimpleModule("mags-ids");
        asString(ids, SandboxId.class, SandboxId::value, SandboxId::of);
        asString(ids, WorkspaceKey.class, WorkspaceKey::value, WorkspaceKey::of);
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(ids)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    private static <T> void asString(SimpleModule module, Class<T> type, Function<T, String> write,
                                     Function<String, T> read) {
        module.addSerializer(type, new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(write.apply(value));
            }
        });
        module.addKeySerializer(type, new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeFieldName(write.apply(value));
            }
        });
        module.addDeserializer(type, new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return read.apply(p.getValueAsString());
            }
        });
        module.addKeyDeserializer(type, new KeyDeserializer() {
            @Override
            public Object deserializeKey(String key, DeserializationContext ctxt) {
                return read.apply(key);
            }
        });
    }
}
