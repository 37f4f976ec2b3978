package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.files.UploadedFiles;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.util.Map;

/** Handlers of {@code /api/v1/mags-files}: upload (multipart, streamed), list, delete. */
final class FileRoutes {
    private final UploadedFiles files;
    private final ObjectMapper json;

    FileRoutes(UploadedFiles files, ObjectMapper json) {
        this.files = files;
        this.json = json;
    }

    void upload(HttpServerExchange ex, Principal who) throws java.io.IOException {
        // The listener's limit is for JSON bodies; an upload's own limits are checked part by part as it streams.
        ex.setMaxEntitySize(files.limits().maxBodyBytes());
        if (HttpContinue.requiresContinueResponse(ex)) {
            // curl -F asks before a large body and would otherwise wait a second for this answer
            HttpContinue.sendContinueResponseBlocking(ex);
        }
        Exchanges.sendJson(ex, json, StatusCodes.CREATED,
                files.upload(who, ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE), ex.getInputStream()));
    }

    void list(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, files.list(who));
    }

    void delete(HttpServerExchange ex, Principal who) {
        String id = Exchanges.pathParam(ex, "id");
        files.delete(who, id);
        Exchanges.sendJson(ex, json, StatusCodes.OK, Map.of("file_id", id, "deleted", true));
    }
}
