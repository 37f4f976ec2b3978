package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The answer of {@code GET /mags-workspaces}: the caller's workspaces, by name. */
public record WorkspaceList(@JsonProperty("workspaces") List<WorkspaceInfo> workspaces) {
    public WorkspaceList {
        workspaces = workspaces == null ? List.of() : List.copyOf(workspaces);
    }
}
