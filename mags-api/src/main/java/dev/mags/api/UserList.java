package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The answer of {@code GET /api/v1/users}: every user, by name. */
public record UserList(@JsonProperty("users") List<UserInfo> users) {
    public UserList {
        users = users == null ? List.of() : List.copyOf(users);
    }
}
