package dev.mags.controlplane.http;

import dev.mags.api.ResizeRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.workspace.WorkspaceService;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import java.util.Map;

/** Handlers of {@code /api/v1/mags-workspaces}. */
final class WorkspaceRoutes {
    private final WorkspaceService workspaces;
    private final ObjectMapper json;

    WorkspaceRoutes(WorkspaceService workspaces, ObjectMapper json) {
        this.workspaces = workspaces;
        this.json = json;
    }

    void list(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, workspaces.list(who));
    }

    void show(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, workspaces.show(who, Exchanges.pathParam(ex, "name")));
    }

    void resize(HttpServerExchange ex, Principal who) {
        ResizeRequest body = Exchanges.readJson(ex, json, ResizeRequest.class);
        Exchanges.sendJson(ex, json, StatusCodes.OK, workspaces.resize(who, Exchanges.pathParam(ex, "name"), body.diskGb()));
    }

    void delete(HttpServerExchange ex, Principal who) {
        String name = Exchanges.pathParam(ex, "name");
        workspaces.delete(who, name);
        Exchanges.sendJson(ex, json, StatusCodes.OK, Map.of("workspace_id", name, "deleted", true));
    }
}
