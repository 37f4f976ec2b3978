package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The answer of {@code GET /api/v1/tokens}: the caller's tokens, oldest first. */
public record TokenList(@JsonProperty("tokens") List<TokenInfo> tokens) {
    public TokenList {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }
}
