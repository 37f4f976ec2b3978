package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.CronJobRequest;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.cron.CronService;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import java.util.Map;

/** Handlers of {@code /api/v1/mags-cron}. */
final class CronRoutes {
    private final CronService cron;
    private final ObjectMapper json;

    CronRoutes(CronService cron, ObjectMapper json) {
        this.cron = cron;
        this.json = json;
    }

    void create(HttpServerExchange ex, Principal who) {
        CronJobRequest body = Exchanges.readJson(ex, json, CronJobRequest.class);
        Exchanges.sendJson(ex, json, StatusCodes.CREATED, cron.create(who, body));
    }

    void list(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, cron.list(who));
    }

    void get(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, cron.get(who, Exchanges.pathParam(ex, "id")));
    }

    void update(HttpServerExchange ex, Principal who) {
        CronJobRequest body = Exchanges.readJson(ex, json, CronJobRequest.class);
        Exchanges.sendJson(ex, json, StatusCodes.OK, cron.update(who, Exchanges.pathParam(ex, "id"), body));
    }

    void delete(HttpServerExchange ex, Principal who) {
        String id = Exchanges.pathParam(ex, "id");
        cron.delete(who, id);
        Exchanges.sendJson(ex, json, StatusCodes.OK, Map.of("id", id, "deleted", true));
    }
}
