package dev.mags.sdk;

/** One server-sent event: its type ({@code message} when unnamed), data and last {@code id:}. */
record SseEvent(String event, String data, String id) {
    static final String DEFAULT_TYPE = "message";
}
