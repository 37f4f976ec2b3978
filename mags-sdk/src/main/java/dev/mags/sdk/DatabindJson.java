package dev.mags.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Every API type, through Jackson's data binding with the wire's settings ({@link MagsJson}). */
final class DatabindJson implements WireJson {
    private final ObjectMapper mapper;

    DatabindJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public <T> T read(String text, Class<T> type) throws JsonProcessingException {
        return mapper.readValue(text, type);
    }

    @Override
    public byte[] write(Object value) throws JsonProcessingException {
        return mapper.writeValueAsBytes(value);
    }
}
