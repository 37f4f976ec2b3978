package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.AccessRequest;
import dev.mags.api.UrlAliasRequest;
import dev.mags.controlplane.apps.AppUrls;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.ssh.SshAccess;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import java.util.Map;

/**
 * {@code POST /mags-jobs/{id}/access} (port 22 to the SSH gateway's answer, any other to a public URL) and the
 * URL aliases of {@code /api/v1/mags-url-aliases}.
 */
final class AppRoutes {
    private final AppUrls urls;
    private final SshRoutes ssh;
    private final ObjectMapper json;

    AppRoutes(AppUrls urls, SshRoutes ssh, ObjectMapper json) {
        this.urls = urls;
        this.ssh = ssh;
        this.json = json;
    }

    void access(HttpServerExchange ex, Principal who) {
        AccessRequest body = Exchanges.readJson(ex, json, AccessRequest.class);
        if (body.port() == null) {
            throw new BadRequestException("invalid_field", "'port' is required: 22 for SSH, another for a public URL");
        }
        if (body.port() == SshAccess.SSH_PORT) {
            ssh.access(ex, who, body);
            return;
        }
        Exchanges.sendJson(ex, json, StatusCodes.OK, urls.enable(who.userId(), Exchanges.pathParam(ex, "id"), body.port()));
    }

    void createAlias(HttpServerExchange ex, Principal who) {
        UrlAliasRequest body = Exchanges.readJson(ex, json, UrlAliasRequest.class);
        Exchanges.sendJson(ex, json, StatusCodes.CREATED, urls.createAlias(who.userId(), body));
    }

    void listAliases(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, urls.aliases(who.userId()));
    }

    void deleteAlias(HttpServerExchange ex, Principal who) {
        String sub = Exchanges.pathParam(ex, "subdomain");
        urls.deleteAlias(who.userId(), sub);
        Exchanges.sendJson(ex, json, StatusCodes.OK, Map.of("subdomain", sub, "deleted", true));
    }
}
