package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Answer to a job submission: {@code {"request_id": ..., "status": "accepted"}}. */
public record JobAccepted(@JsonProperty("request_id") String requestId, @JsonProperty("status") String status) {
    public static final String ACCEPTED = "accepted";

    public static JobAccepted of(String requestId) {
        return new JobAccepted(requestId, ACCEPTED);
    }
}
