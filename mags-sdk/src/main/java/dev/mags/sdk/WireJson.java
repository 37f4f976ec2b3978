package dev.mags.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * The JSON of the wire as {@link HttpTransport} uses it: answers read into the API's records, request
 * bodies written. {@link DatabindJson} knows every type; {@link LeanJson} only the few of {@link QuickRun},
 * without the start-up of Jackson's data binding.
 */
interface WireJson {
    /** The document as {@code type}; an unreadable one is a {@link JsonProcessingException}. */
    <T> T read(String text, Class<T> type) throws JsonProcessingException;

    byte[] write(Object value) throws JsonProcessingException;
}
