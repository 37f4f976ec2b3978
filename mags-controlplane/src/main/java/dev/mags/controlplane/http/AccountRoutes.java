package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.TokenRequest;
import dev.mags.api.UserRequest;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.auth.Tokens;
import dev.mags.controlplane.auth.Users;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import java.util.Map;

/** Handlers of {@code /api/v1/tokens} (a user's own tokens) and {@code /api/v1/users} (admins only). */
final class AccountRoutes {
    private final Tokens tokens;
    private final Users users;
    private final ObjectMapper json;

    AccountRoutes(Tokens tokens, Users users, ObjectMapper json) {
        this.tokens = tokens;
        this.users = users;
        this.json = json;
    }

    void listTokens(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, tokens.list(who.userId()));
    }

    void createToken(HttpServerExchange ex, Principal who) {
        TokenRequest body = Exchanges.readJson(ex, json, TokenRequest.class);
        Exchanges.sendJson(ex, json, StatusCodes.CREATED, tokens.create(who.userId(), body.name()));
    }

    void revokeToken(HttpServerExchange ex, Principal who) {
        String id = Exchanges.pathParam(ex, "id");
        tokens.revoke(who.userId(), id);
        Exchanges.sendJson(ex, json, StatusCodes.OK, Map.of("id", id, "revoked", true));
    }

    void listUsers(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, users.list(who));
    }

    void createUser(HttpServerExchange ex, Principal who) {
        UserRequest body = Exchanges.readJson(ex, json, UserRequest.class);
        Exchanges.sendJson(ex, json, StatusCodes.CREATED,
                users.create(who, body.name(), Boolean.TRUE.equals(body.admin())));
    }

    void disableUser(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, users.disable(who, Exchanges.pathParam(ex, "name")));
    }

    void enableUser(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, users.enable(who, Exchanges.pathParam(ex, "name")));
    }
}
