package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.ApiError;
import dev.mags.api.ApiPaths;
import dev.mags.api.WhoAmI;
import dev.mags.controlplane.auth.TokenService;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.ssh.SshAccess;
import dev.mags.controlplane.ssh.SshKeys;
import dev.mags.controlplane.job.JobService;
import dev.mags.controlplane.workspace.WorkspaceService;
import dev.mags.controlplane.job.OutputRegistry;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.util.StatusCodes;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.xnio.OptionMap;

/**
 * The REST API on Undertow: routes, authentication, the one error mapper, and the request checks that
 * run before any route (folded or repeated headers).
 */
public final class ApiServer implements AutoCloseable {
    /** JSON bodies are small; file uploads will get their own limit. */
    private static final long MAX_JSON_BODY = 1024 * 1024;

    private final List<Route> routes;
    private final ControlPlaneConfig config;
    private final GracefulShutdownHandler shutdown;
    private HttpListener listener;
    private final EventStreamRoute events;

    public ApiServer(ControlPlaneConfig config, TokenService tokens, JobService jobs, WorkspaceService workspaces,
            OutputRegistry outputs, Supplier<Health> health, SshKeys sshKeys, SshAccess sshAccess) {
        ObjectMapper json = Json.mapper();
        JobRoutes jobRoutes = new JobRoutes(jobs, json);
        WorkspaceRoutes workspaceRoutes = new WorkspaceRoutes(workspaces, json);
        SshRoutes sshRoutes = new SshRoutes(sshKeys, sshAccess, json);
        this.events = new EventStreamRoute(jobs, outputs, json);
        Authenticator auth = new Authenticator(tokens, json);

        this.routes = List.of(
                new Route("GET", ApiPaths.HEALTH, blocking(json, ex -> health(ex, json, health.get()))),
                new Route("GET", ApiPaths.ME, auth.blocking((ex, who) -> Exchanges.sendJson(ex, json, StatusCodes.OK,
                        new WhoAmI(who.userName(), who.admin(), who.tokenPrefix())))),
                new Route("POST", ApiPaths.JOBS, auth.blocking(jobRoutes::submit)),
                new Route("GET", ApiPaths.JOBS, auth.blocking(jobRoutes::list)),
                new Route("GET", ApiPaths.JOBS + "/{id}/status", auth.blocking(jobRoutes::status)),
                new Route("GET", ApiPaths.JOBS + "/{id}/logs", auth.blocking(jobRoutes::logs)),
                new Route("GET", ApiPaths.JOBS + "/{id}/events", auth.blocking(events::handle)),
                new Route("POST", ApiPaths.JOBS + "/{id}/stop", auth.blocking(jobRoutes::stop)),
                new Route("POST", ApiPaths.JOBS + "/{id}/sync", auth.blocking(jobRoutes::sync)),
                new Route("POST", ApiPaths.JOBS + "/{id}/access", auth.blocking(sshRoutes::access)),
                new Route("GET", ApiPaths.WORKSPACES, auth.blocking(workspaceRoutes::list)),
                new Route("GET", ApiPaths.WORKSPACES + "/{name}", auth.blocking(workspaceRoutes::show)),
                new Route("POST", ApiPaths.WORKSPACES + "/{name}/resize", auth.blocking(workspaceRoutes::resize)),
                new Route("DELETE", ApiPaths.WORKSPACES + "/{name}", auth.blocking(workspaceRoutes::delete)),
                new Route("GET", ApiPaths.SSH_KEYS, auth.blocking(sshRoutes::list)),
                new Route("POST", ApiPaths.SSH_KEYS, auth.blocking(sshRoutes::add)),
                new Route("DELETE", ApiPaths.SSH_KEYS + "/{id}", auth.blocking(sshRoutes::delete)));
        RoutingHandler router = new RoutingHandler()
                .setFallbackHandler(ex -> Exchanges.sendJson(ex, json, StatusCodes.NOT_FOUND,
                        ApiError.of("not_found", "no route for " + ex.getRequestMethod() + " " + ex.getRequestPath())))
                .setInvalidMethodHandler(ex -> Exchanges.sendJson(ex, json, StatusCodes.METHOD_NOT_ALLOWED,
                        ApiError.of("method_not_allowed", ex.getRequestMethod() + " is not allowed on "
                                + ex.getRequestPath())));
        for (Route r : routes) {
            router.add(r.method(), r.template(), r.handler());
        }
        this.config = config;
        this.shutdown = new GracefulShutdownHandler(new ErrorMapper(new RequestChecks(router), json));
    }

    private static HttpHandler blocking(ObjectMapper json, HttpHandler h) {
        return new BlockingHandler(new ErrorMapper(h, json));
    }

    private static void health(HttpServerExchange ex, ObjectMapper json, Health h) {
        if (h.ready()) {
            Exchanges.sendJson(ex, json, StatusCodes.OK, Map.of("status", "ok", "default_image", h.defaultImage()));
        } else {
            Exchanges.sendJson(ex, json, StatusCodes.SERVICE_UNAVAILABLE, ApiError.of("not_ready", h.problem()));
        }
    }

    /** Method and path template of every route, as the OpenAPI file must list them. */
    public List<String> routeSignatures() {
        return routes.stream().map(r -> r.method() + " " + r.template()).toList();
    }

    private record Route(String method, String template, HttpHandler handler) {}

    public synchronized void start() {
        listener = HttpListener.start(config.listenHost(), config.listenPort(), shutdown, OptionMap.builder()
                .set(UndertowOptions.MAX_ENTITY_SIZE, MAX_JSON_BODY)
                .set(UndertowOptions.ENABLE_STATISTICS, false)
                .getMap());
    }

    /** The port actually bound (useful when configured as 0). */
    public synchronized int port() {
        return listener.port();
    }

    /** Stops taking requests, lets running ones finish for a moment, then closes. */
    @Override
    public void close() {
        shutdown.shutdown();
        try {
            shutdown.awaitShutdown(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (listener != null) {
                listener.close();
            }
        }
        events.close();
    }

    /** What {@code /healthz} reports. */
    public record Health(boolean ready, String defaultImage, String problem) {
        public static Health of(String defaultImage, BooleanSupplier imagePresent) {
            return imagePresent.getAsBoolean()
                    ? new Health(true, defaultImage, null)
                    : new Health(false, defaultImage, "base image '" + defaultImage
                            + "' is not built; build it with: bin/magsd image build " + defaultImage);
        }
    }
}
