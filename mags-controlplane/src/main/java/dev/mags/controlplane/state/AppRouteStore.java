package dev.mags.controlplane.state;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Public URLs' routes (table {@code app_routes}). Subdomains are unique across users; lists are per user. */
public final class AppRouteStore {
    private static final RowMapper<AppRoute> ROW = (rs, ctx) -> {
        int p = rs.getInt("port");
        Integer port = rs.wasNull() ? null : p;
        return new AppRoute(rs.getString("subdomain"), rs.getString("user_id"),
                AppRoute.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)), rs.getString("job_id"),
                rs.getString("workspace_id"), port, Instant.ofEpochMilli(rs.getLong("created_at")));
    };

    private final Jdbi jdbi;

    public AppRouteStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Adds the route; false when its subdomain is taken (or the job already has a route for that port). */
    public boolean insert(AppRoute r) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO app_routes (subdomain, user_id, kind, job_id, "
                        + "workspace_id, port, created_at) VALUES (:sub, :user, :kind, :job, :ws, :port, :created) "
                        + "ON CONFLICT DO NOTHING")
                .bind("sub", r.subdomain()).bind("user", r.userId()).bind("kind", r.kind().wire())
                .bind("job", r.jobId()).bind("ws", r.workspaceId()).bind("port", r.port())
                .bind("created", r.createdAt().toEpochMilli()).execute()) > 0;
    }

    public Optional<AppRoute> find(String subdomain) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM app_routes WHERE subdomain = :s")
                .bind("s", subdomain).map(ROW).findOne());
    }

    public Optional<AppRoute> forJob(String jobId, int port) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM app_routes WHERE job_id = :j AND port = :p")
                .bind("j", jobId).bind("p", port).map(ROW).findOne());
    }

    /** The oldest route of a job: the port its aliases serve. */
    public Optional<AppRoute> firstOfJob(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM app_routes WHERE job_id = :j "
                        + "ORDER BY created_at, subdomain LIMIT 1")
                .bind("j", jobId).map(ROW).findOne());
    }

    public List<AppRoute> aliases(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM app_routes WHERE user_id = :u AND kind = 'alias' "
                        + "ORDER BY created_at, subdomain")
                .bind("u", userId).map(ROW).list());
    }

    /** Deletes the user's alias; false when the user has no alias of that name. */
    public boolean deleteAlias(String userId, String subdomain) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM app_routes WHERE subdomain = :s AND user_id = :u "
                        + "AND kind = 'alias'")
                .bind("s", subdomain).bind("u", userId).execute()) > 0;
    }
}
