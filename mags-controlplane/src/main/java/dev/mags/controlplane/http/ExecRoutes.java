package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.ExecEnd;
import dev.mags.api.ExecRequest;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.exec.ExecFailures;
import dev.mags.controlplane.exec.ExecOutcome;
import dev.mags.controlplane.exec.ExecRequests;
import dev.mags.controlplane.exec.ExecSession;
import dev.mags.controlplane.exec.ExecSessions;
import dev.mags.controlplane.exec.OutputCapture;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code POST /api/v1/mags-jobs/{id}/exec}: runs a command in the caller's live sandbox and answers once it ends
 * (one JSON object, output kept up to {@code ExecLimits.answerBytes}) or, with {@code Accept:
 * application/x-ndjson}, streams its output as JSON lines ended by how it ended. Runs on a thread of its own
 * for the exec's whole life (see {@code Authenticator.ownThread}); a client that goes away hangs the exec up.
 */
final class ExecRoutes {
    static final String NDJSON = "application/x-ndjson";

    private final ExecSessions sessions;
    private final ExecRequests requests;
    private final ObjectMapper json;

    ExecRoutes(ExecSessions sessions, ExecRequests requests, ObjectMapper json) {
        this.sessions = sessions;
        this.requests = requests;
        this.json = json;
    }

    void post(HttpServerExchange ex, Principal who) throws IOException {
        ExecRequest body = Exchanges.readJson(ex, json, ExecRequest.class);
        ExecRequests.Parsed parsed = requests.forPost(body);
        boolean stream = wantsLines(ex);
        try (ExecSession session = sessions.open(who.userId(), Exchanges.pathParam(ex, "id"))) {
            if (stream) {
                streamed(ex, session, parsed);
            } else {
                whole(ex, session, parsed);
            }
        }
    }

    private void whole(HttpServerExchange ex, ExecSession session, ExecRequests.Parsed parsed) {
        OutputCapture capture = new OutputCapture(sessions.limits().answerBytes());
        Exec exec = start(session, parsed, capture);
        ClientGone.watch(ex, () -> session.hangUp(exec));
        ExecEnd end = await(exec, session.name());
        Exchanges.sendJson(ex, json, StatusCodes.OK, capture.result(end));
    }

    private void streamed(HttpServerExchange ex, ExecSession session, ExecRequests.Parsed parsed) throws IOException {
        ex.setStatusCode(StatusCodes.OK);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, NDJSON);
        OutputStream out = ex.getOutputStream();
        AtomicReference<Exec> started = new AtomicReference<>();
        Runnable gone = () -> {
            Exec exec = started.get();
            if (exec != null) {
                session.hangUp(exec);
            }
        };
        NdjsonSink sink = new NdjsonSink(out, json, gone);
        Exec exec = start(session, parsed, sink);
        started.set(exec);
        sink.begin(); // the status line and headers: the client learns that the command runs
        ClientGone.watch(ex, gone);
        sink.end(await(exec, session.name()));
        out.close();
    }

    private static Exec start(ExecSession session, ExecRequests.Parsed parsed, ExecListener listener) {
        Exec exec;
        try {
            exec = session.start(parsed.spec(), listener);
        } catch (RuntimeException e) {
            throw ExecFailures.of(e, session.name());
        }
        if (parsed.stdin() != null) {
            StdinWriter.write(exec, parsed.stdin());
        }
        return exec;
    }

    private static ExecEnd await(Exec exec, String name) {
        try {
            ExecExit exit = exec.exit().join();
            return ExecOutcome.of(exit, name);
        } catch (CompletionException e) {
            return ExecOutcome.failed(e.getCause() == null ? e : e.getCause());
        }
    }

    private static boolean wantsLines(HttpServerExchange ex) {
        String accept = ex.getRequestHeaders().getFirst(Headers.ACCEPT);
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(NDJSON);
    }
}
