package dev.mags.controlplane.cron;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Cron jobs (table {@code cron_jobs}); every read but the scheduler's is scoped to one user. */
public final class CronStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> ENV = new TypeReference<>() {};
    private static final RowMapper<CronRecord> ROW = (rs, ctx) -> new CronRecord(rs.getString("id"),
            rs.getString("user_id"), rs.getString("name"), rs.getString("cron_expression"), rs.getString("timezone"),
            rs.getString("script"), rs.getString("workspace_id"), readEnv(rs.getString("environment")),
            rs.getBoolean("persistent"), rs.getBoolean("enabled"), instant(rs, "created_at"),
            instant(rs, "next_run_at"), instant(rs, "last_run_at"), rs.getString("last_status"),
            rs.getString("last_request_id"), rs.getString("last_error"), rs.getLong("skipped_runs"));

    private final Jdbi jdbi;

    public CronStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores a new cron job; false when the user has one of that name already (the unique index decides). */
    public boolean insert(CronRecord c) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO cron_jobs (id, user_id, name, cron_expression, timezone, "
                            + "script, workspace_id, environment, persistent, enabled, created_at, next_run_at) VALUES "
                            + "(:id, :user, :name, :expr, :zone, :script, :ws, :env, :persistent, :enabled, :created, :next)")
                    .bind("id", c.id()).bind("user", c.userId()).bind("created", c.createdAt().toEpochMilli())
                    .bindMap(definition(c)).execute());
            return true;
        } catch (UnableToExecuteStatementException e) {
            if (findByName(c.userId(), c.name()).isPresent()) {
                return false;
            }
            throw e;
        }
    }

    /** Writes a cron job's definition and next run; false when its new name is taken by another of the user's. */
    public boolean update(CronRecord c) {
        try {
            jdbi.useHandle(h -> h.createUpdate("UPDATE cron_jobs SET name = :name, cron_expression = :expr, "
                            + "timezone = :zone, script = :script, workspace_id = :ws, environment = :env, "
                            + "persistent = :persistent, enabled = :enabled, next_run_at = :next "
                            + "WHERE id = :id AND user_id = :user")
                    .bind("id", c.id()).bind("user", c.userId()).bindMap(definition(c)).execute());
            return true;
        } catch (UnableToExecuteStatementException e) {
            if (findByName(c.userId(), c.name()).filter(o -> !o.id().equals(c.id())).isPresent()) {
                return false;
            }
            throw e;
        }
    }

    private static Map<String, Object> definition(CronRecord c) {
        Map<String, Object> m = new java.util.HashMap<>();
        m.put("name", c.name());
        m.put("expr", c.cronExpression());
        m.put("zone", c.timezone());
        m.put("script", c.script());
        m.put("ws", c.workspaceId());
        m.put("env", writeEnv(c.environment()));
        m.put("persistent", c.persistent());
        m.put("enabled", c.enabled());
        m.put("next", c.nextRunAt() == null ? null : c.nextRunAt().toEpochMilli());
        return m;
    }

    public List<CronRecord> list(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM cron_jobs WHERE user_id = :u ORDER BY created_at, id")
                .bind("u", userId).map(ROW).list());
    }

    public Optional<CronRecord> find(String userId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM cron_jobs WHERE user_id = :u AND id = :id")
                .bind("u", userId).bind("id", id).map(ROW).findOne());
    }

    public Optional<CronRecord> findByName(String userId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM cron_jobs WHERE user_id = :u AND name = :n")
                .bind("u", userId).bind("n", name).map(ROW).findOne());
    }

    public boolean delete(String userId, String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM cron_jobs WHERE user_id = :u AND id = :id")
                .bind("u", userId).bind("id", id).execute()) > 0;
    }

    /** Enabled cron jobs of every user whose next run is at or before {@code now}, earliest first. */
    public List<CronRecord> due(Instant now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM cron_jobs WHERE enabled = :on AND next_run_at <= :now "
                        + "ORDER BY next_run_at, id")
                .bind("on", true).bind("now", now.toEpochMilli()).map(ROW).list());
    }

    /** The earliest next run of any enabled cron job. */
    public Optional<Instant> earliestNextRun() {
        return jdbi.withHandle(h -> h.createQuery("SELECT MIN(next_run_at) FROM cron_jobs WHERE enabled = :on")
                .bind("on", true).mapTo(Long.class).findOne()).map(Instant::ofEpochMilli);
    }

    /**
     * Takes the run scheduled at {@code scheduled}: moves next_run_at on to {@code next} if it still holds
     * {@code scheduled} and the job is enabled. True for exactly one of any number of concurrent callers. The run's
     * outcome (with its time as last_run_at) is written by one of the {@code record} calls, in one update, so that a
     * reader never sees the new time beside the previous run's job.
     */
    public boolean claim(String id, Instant scheduled, Instant next) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE cron_jobs SET next_run_at = :next "
                        + "WHERE id = :id AND enabled = :on AND next_run_at = :sched")
                .bind("id", id).bind("on", true).bind("sched", scheduled.toEpochMilli())
                .bind("next", next == null ? null : next.toEpochMilli()).execute()) == 1;
    }

    /** The run of the claimed time {@code scheduled} started as job {@code requestId}. */
    public void recordRun(String id, Instant scheduled, String requestId, String status) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE cron_jobs SET last_run_at = :sched, last_request_id = :req, "
                        + "last_status = :st, last_error = NULL WHERE id = :id")
                .bind("id", id).bind("sched", scheduled.toEpochMilli()).bind("req", requestId).bind("st", status)
                .execute());
    }

    /** The claimed time was skipped because the run before it was still going; {@code reason} says so. */
    public void recordSkip(String id, Instant scheduled, String status, String reason) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE cron_jobs SET last_run_at = :sched, last_status = :st, "
                        + "last_error = :why, skipped_runs = skipped_runs + 1 WHERE id = :id")
                .bind("id", id).bind("sched", scheduled.toEpochMilli()).bind("st", status).bind("why", reason)
                .execute());
    }

    /** The claimed time's job could not be submitted, for {@code reason}. */
    public void recordFailure(String id, Instant scheduled, String status, String reason) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE cron_jobs SET last_run_at = :sched, last_status = :st, "
                        + "last_error = :err WHERE id = :id")
                .bind("id", id).bind("sched", scheduled.toEpochMilli()).bind("st", status).bind("err", reason)
                .execute());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static Map<String, String> readEnv(String json) {
        try {
            return JSON.readValue(json, ENV);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt environment column of cron_jobs: " + e.getMessage(), e);
        }
    }

    private static String writeEnv(Map<String, String> env) {
        try {
            return JSON.writeValueAsString(env);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
