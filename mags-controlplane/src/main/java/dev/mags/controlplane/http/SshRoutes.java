package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.AccessRequest;
import dev.mags.api.SshKeyRequest;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.ssh.SshAccess;
import dev.mags.controlplane.ssh.SshKeys;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import java.util.Map;

/** Handlers of {@code /api/v1/ssh-keys} and of {@code POST /mags-jobs/{id}/access} for port 22. */
final class SshRoutes {
    private final SshKeys keys;
    private final SshAccess access;
    private final ObjectMapper json;

    SshRoutes(SshKeys keys, SshAccess access, ObjectMapper json) {
        this.keys = keys;
        this.access = access;
        this.json = json;
    }

    void list(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, keys.list(who.userId()));
    }

    void add(HttpServerExchange ex, Principal who) {
        SshKeyRequest body = Exchanges.readJson(ex, json, SshKeyRequest.class);
        Exchanges.sendJson(ex, json, StatusCodes.CREATED, keys.add(who.userId(), body.name(), body.publicKey()));
    }

    void delete(HttpServerExchange ex, Principal who) {
        String id = Exchanges.pathParam(ex, "id");
        keys.delete(who.userId(), id);
        Exchanges.sendJson(ex, json, StatusCodes.OK, Map.of("id", id, "deleted", true));
    }

    /** Port 22 of {@code POST /mags-jobs/{id}/access}; other ports are public URLs ({@link AppRoutes}). */
    void access(HttpServerExchange ex, Principal who, AccessRequest body) {
        Exchanges.sendJson(ex, json, StatusCodes.OK,
                access.access(who.userId(), Exchanges.pathParam(ex, "id"), body.port(), ex.getHostName()));
    }
}
