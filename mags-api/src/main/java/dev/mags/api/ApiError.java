package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The one error shape of the API: {@code {"error": {"code": "...", "message": "..."}}}. */
public record ApiError(@JsonProperty("error") Detail error) {
    public record Detail(@JsonProperty("code") String code, @JsonProperty("message") String message) {}

    public static ApiError of(String code, String message) {
        return new ApiError(new Detail(code, message));
    }
}
