package dev.mags.controlplane.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.JobStatus;
import dev.mags.protocol.v2.SandboxLimits;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/** Jobs in the state store. Every query that a user can trigger is scoped by user id. */
public final class JobStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> ENV = new TypeReference<>() {};

    private static final RowMapper<JobRecord> JOB = (rs, ctx) -> new JobRecord(
            rs.getString("id"), rs.getString("user_id"), rs.getString("name"), rs.getString("script"),
            rs.getString("type"), rs.getString("image"), readEnv(rs.getString("environment")),
            nullableInt(rs, "timeout_seconds"), limits(rs),
            JobStatus.fromWire(rs.getString("status")),
            nullableInt(rs, "exit_code"), rs.getString("error_message"),
            instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"),
            rs.getString("workspace_id"), rs.getBoolean("persistent"), rs.getBoolean("no_sync"),
            rs.getString("base_workspace_id"), rs.getString("base_snapshot"), instant(rs, "launched_at"),
            rs.getBoolean("no_sleep"), rs.getString("startup_command"), rs.getBoolean("output_pending"));

    private final Jdbi jdbi;
    private volatile String runner;

    public JobStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** In a cluster: the jobs this process inserts from now on are run by control-plane replica {@code replicaId}. */
    public void runAs(String replicaId) {
        this.runner = replicaId;
    }

    /**
     * Makes the unfinished jobs (pending, running, sleeping) of replica {@code from} this process's, and returns
     * them as they were: one replica takes them, however many try at once.
     */
    public List<JobRecord> adopt(String from) {
        String me = runner;
        if (me == null) {
            throw new IllegalStateException("only a cluster's replica adopts jobs");
        }
        return jdbi.inTransaction(h -> {
            List<JobRecord> jobs = h.createQuery("SELECT * FROM jobs WHERE runner = :from "
                            + "AND status IN ('pending', 'running', 'sleeping') ORDER BY created_at")
                    .bind("from", from).map(JOB).list();
            List<JobRecord> taken = new java.util.ArrayList<>();
            for (JobRecord job : jobs) {
                if (h.createUpdate("UPDATE jobs SET runner = :me WHERE id = :id AND runner = :from")
                        .bind("me", me).bind("id", job.id()).bind("from", from).execute() == 1) {
                    taken.add(job);
                }
            }
            return taken;
        });
    }

    public void insert(JobRecord job) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO jobs (id, user_id, name, script, type, image, environment, "
                        + "timeout_seconds, memory_bytes, cpu_millis, disk_bytes, pids, status, created_at, workspace_id, persistent, "
                        + "no_sync, base_workspace_id, base_snapshot, no_sleep, startup_command, runner) VALUES (:id, "
                        + ":user, :name, :script, :type, :image, :env, :timeout, :memory, :cpu, :disk, :pids, :status, "
                        + ":created, :workspace, :persistent, :nosync, :base, :basesnap, :nosleep, :startup, :runner)")
                .bind("id", job.id()).bind("user", job.userId()).bind("name", job.name())
                .bind("script", job.script()).bind("type", job.type()).bind("image", job.image())
                .bind("env", writeEnv(job.environment())).bind("timeout", job.timeoutSeconds())
                .bind("memory", job.limits().memoryBytes()).bind("cpu", job.limits().cpuMillis())
                .bind("disk", job.limits().diskBytes()).bind("pids", job.limits().pids())
                .bind("status", job.status().wireName()).bind("created", job.createdAt().toEpochMilli())
                .bind("workspace", job.workspaceId())
                .bind("persistent", job.persistent()).bind("nosync", job.noSync())
                .bind("base", job.baseWorkspaceId()).bind("basesnap", job.baseSnapshot())
                .bind("nosleep", job.noSleep()).bind("startup", job.startupCommand())
                .bind("runner", runner)
                .execute());
    }

    /** The newest job of the user's workspace {@code name}. */
    public Optional<JobRecord> latestInWorkspace(String userId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE user_id = :u AND workspace_id = :n "
                        + "ORDER BY created_at DESC LIMIT 1")
                .bind("u", userId).bind("n", name).map(JOB).findOne());
    }

    /** The user's pending and running jobs in workspace {@code name}. */
    public List<JobRecord> activeInWorkspace(String userId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE user_id = :u AND workspace_id = :n "
                        + "AND status IN ('pending', 'running')")
                .bind("u", userId).bind("n", name).map(JOB).list());
    }

    /** The job if it exists and belongs to {@code userId}. */
    public Optional<JobRecord> find(String userId, String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE id = :id AND user_id = :user")
                .bind("id", jobId).bind("user", userId).map(JOB).findOne());
    }

    /**
     * The user's job that {@code name} means when it is not a request id: the newest of the user's jobs named so
     * or in the workspace of that name, live ones (pending, running, sleeping) before finished ones.
     */
    public Optional<JobRecord> findByName(String userId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE user_id = :u AND (name = :n OR workspace_id = :n) "
                        + "ORDER BY CASE WHEN status IN ('pending', 'running', 'sleeping') THEN 0 ELSE 1 END, "
                        + "created_at DESC, id DESC LIMIT 1")
                .bind("u", userId).bind("n", name).map(JOB).findOne());
    }

    /**
     * The user's job that {@code idOrName} means: the job of that request id, else {@link #findByName}'s; in one
     * query, as every exec, SSH channel and URL request asks it.
     */
    public Optional<JobRecord> findByIdOrName(String userId, String idOrName) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE user_id = :u AND (id = :n OR name = :n "
                        + "OR workspace_id = :n) ORDER BY CASE WHEN id = :n THEN 0 ELSE 1 END, "
                        + "CASE WHEN status IN ('pending', 'running', 'sleeping') THEN 0 ELSE 1 END, "
                        + "created_at DESC, id DESC LIMIT 1")
                .bind("u", userId).bind("n", idOrName).map(JOB).findOne());
    }

    /** Sets a job's sandbox settings; false when the user has no such job. */
    public boolean updateSleepSettings(String userId, String jobId, boolean noSleep, String startupCommand) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET no_sleep = :s, startup_command = :c "
                        + "WHERE id = :id AND user_id = :u")
                .bind("s", noSleep).bind("c", startupCommand).bind("id", jobId).bind("u", userId).execute()) == 1;
    }

    public Optional<JobRecord> findAnyUser(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE id = :id")
                .bind("id", jobId).map(JOB).findOne());
    }

    /** One page of a user's jobs, newest first; pages count from 1. */
    /** One page of the user's jobs, newest first; only those of {@code status} unless it is null. */
    public List<JobRecord> page(String userId, JobStatus status, int page, int pageSize) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE user_id = :user "
                        + "AND (:status IS NULL OR status = :status) "
                        + "ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset")
                .bind("user", userId).bind("status", status == null ? null : status.wireName())
                .bind("limit", pageSize).bind("offset", (long) (page - 1) * pageSize)
                .map(JOB).list());
    }

    /** The user's jobs; only those of {@code status} unless it is null. */
    public long count(String userId, JobStatus status) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs WHERE user_id = :user "
                        + "AND (:status IS NULL OR status = :status)")
                .bind("user", userId).bind("status", status == null ? null : status.wireName())
                .mapTo(Long.class).one());
    }

    public List<JobRecord> withStatus(JobStatus status) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE status = :status ORDER BY created_at")
                .bind("status", status.wireName()).map(JOB).list());
    }

    /**
     * Records that a pending job's script is about to be started; false if it was no longer pending or had
     * been launched before (then it must not be started). Once this returns the record survives a kill of
     * the process (SQLite in WAL mode writes every commit to the log file before it returns).
     */
    public boolean markLaunched(String jobId, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET launched_at = :t "
                        + "WHERE id = :id AND status = 'pending' AND launched_at IS NULL")
                .bind("t", at.toEpochMilli()).bind("id", jobId).execute()) == 1;
    }

    /** Moves a pending job to running; false if it was no longer pending. */
    public boolean markRunning(String jobId, Instant startedAt) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET status = 'running', started_at = :t "
                        + "WHERE id = :id AND status = 'pending'")
                .bind("t", startedAt.toEpochMilli()).bind("id", jobId).execute()) == 1;
    }

    /**
     * Records how a persistent job's script ended while the job stays running (its sandbox lives on); false
     * if the job was no longer running.
     */
    public boolean recordScriptExit(String jobId, Integer exitCode, String message) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET exit_code = :code, error_message = :msg "
                        + "WHERE id = :id AND status = 'running'")
                .bind("code", exitCode).bind("msg", message).bind("id", jobId).execute()) == 1;
    }

    /** A running persistent job whose sandbox goes to sleep; false if it was no longer running. */
    public boolean markSleeping(String jobId) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET status = 'sleeping' WHERE id = :id AND status = 'running'")
                .bind("id", jobId).execute()) == 1;
    }

    /** Sets a final status if the job is sleeping; false if it was not (a wake took it, or it had ended). */
    public boolean finishSleeping(String jobId, JobStatus status, Integer exitCode, String errorMessage, Instant at) {
        if (!status.isFinal()) {
            throw new IllegalArgumentException(status + " is not a final status");
        }
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET status = :status, exit_code = :code, "
                        + "error_message = :msg, finished_at = :t WHERE id = :id AND status = 'sleeping'")
                .bind("status", status.wireName()).bind("code", exitCode).bind("msg", errorMessage)
                .bind("t", at.toEpochMilli()).bind("id", jobId).execute()) == 1;
    }

    /** A sleeping job whose sandbox runs again; false if it was not sleeping. */
    public boolean markAwake(String jobId) {
        // the replica that woke it runs it from now on (it watches the new sandbox)
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET status = 'running', runner = :runner "
                        + "WHERE id = :id AND status = 'sleeping'")
                .bind("id", jobId).bind("runner", runner).execute()) == 1;
    }

    /** The user's sleeping job in workspace {@code name}, if there is one. */
    public Optional<JobRecord> sleepingInWorkspace(String userId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE user_id = :u AND workspace_id = :n "
                        + "AND status = 'sleeping' ORDER BY created_at DESC LIMIT 1")
                .bind("u", userId).bind("n", name).map(JOB).findOne());
    }

    /**
     * Running persistent jobs whose sandbox may sleep (not {@code no_sleep}): those whose script has ended, and
     * those whose script is their startup command (what {@code mags new} sends: it only keeps the sandbox up, and
     * is started again on wake). A job whose own script still runs never sleeps.
     */
    public List<JobRecord> keptAndMaySleep() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE status = 'running' AND persistent "
                        + "AND NOT no_sleep AND (exit_code IS NOT NULL OR script = startup_command)").map(JOB).list());
    }

    /** Sets a final status unless the job already has one; false if it had. */
    public boolean finish(String jobId, JobStatus status, Integer exitCode, String errorMessage, Instant at) {
        return finish(jobId, status, exitCode, errorMessage, at, false);
    }

    /**
     * As {@link #finish}, for a job whose last output lines are stored after its exit: marked so until
     * {@link #outputStored}, and shown as still running meanwhile (the exit first, so that a crash in between
     * cannot report a job that ended as interrupted; the mark, so that no reader sees the end before the lines).
     */
    public boolean finishBeforeOutput(String jobId, JobStatus status, Integer exitCode, String errorMessage, Instant at) {
        return finish(jobId, status, exitCode, errorMessage, at, true);
    }

    /** The job's output is all stored: its final status is shown from now on. */
    public void outputStored(String jobId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE jobs SET output_pending = FALSE WHERE id = :id AND output_pending")
                .bind("id", jobId).execute());
    }

    private boolean finish(String jobId, JobStatus status, Integer exitCode, String errorMessage, Instant at,
            boolean outputPending) {
        if (!status.isFinal()) {
            throw new IllegalArgumentException(status + " is not a final status");
        }
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET status = :status, exit_code = :code, "
                        + "error_message = :msg, finished_at = :t, output_pending = :pending WHERE id = :id "
                        + "AND status NOT IN ('completed', 'error')")
                .bind("status", status.wireName()).bind("code", exitCode).bind("msg", errorMessage)
                .bind("t", at.toEpochMilli()).bind("pending", outputPending).bind("id", jobId).execute()) == 1;
    }

    /** A finished job holding output, as the retention caps see it. */
    public record KeptOutput(String jobId, String userId, long bytes) {}

    /** Finished jobs that ended before {@code cutoff}, oldest first, at most {@code limit}. */
    public List<String> finishedBefore(Instant cutoff, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM jobs WHERE status IN ('completed', 'error') "
                        + "AND finished_at < :t ORDER BY finished_at LIMIT :n")
                .bind("t", cutoff.toEpochMilli()).bind("n", limit).mapTo(String.class).list());
    }

    /** Deletes finished jobs (their output first: see {@link LogStore#delete}) and their file lists. */
    public void deleteFinished(List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM job_files WHERE job_id IN (SELECT id FROM jobs WHERE id IN (<ids>) "
                    + "AND status IN ('completed', 'error'))").bindList("ids", jobIds).execute();
            h.createUpdate("DELETE FROM jobs WHERE id IN (<ids>) AND status IN ('completed', 'error')")
                    .bindList("ids", jobIds).execute();
        });
    }

    /** Records the uploaded files a job asked for, in order. */
    public void setFiles(String jobId, List<String> fileIds) {
        if (fileIds.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            var batch = h.prepareBatch("INSERT INTO job_files (job_id, position, file_id) VALUES (:j, :p, :f)");
            for (int i = 0; i < fileIds.size(); i++) {
                batch.bind("j", jobId).bind("p", i).bind("f", fileIds.get(i)).add();
            }
            batch.execute();
        });
    }

    /** The uploaded files a job asked for, in order. */
    public List<String> files(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT file_id FROM job_files WHERE job_id = :j ORDER BY position")
                .bind("j", jobId).mapTo(String.class).list());
    }

    /** Output kept per user past a limit, and by all jobs, as one snapshot of the store. */
    public record KeptOutputTotals(Map<String, Long> usersOver, long total) {}

    /**
     * The users keeping more than {@code maxBytesPerUser} of output and the output kept by all jobs, read in one
     * transaction: output is stored while this runs, and two separate reads could see a user under the limit and
     * then the server over it with the same bytes. Repeatable read: PostgreSQL's default, read committed, gives each
     * statement of a transaction a snapshot of its own (SQLite's transactions see one snapshot at any level).
     */
    public KeptOutputTotals keptOutputTotals(long maxBytesPerUser) {
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            Map<String, Long> over = h.createQuery("SELECT user_id, SUM(output_bytes) AS kept FROM jobs "
                            + "GROUP BY user_id HAVING SUM(output_bytes) > :max")
                    .bind("max", maxBytesPerUser)
                    .reduceRows(new java.util.LinkedHashMap<String, Long>(), (m, row) -> {
                        m.put(row.getColumn("user_id", String.class), row.getColumn("kept", Long.class));
                        return m;
                    });
            long total = h.createQuery("SELECT COALESCE(SUM(output_bytes), 0) FROM jobs").mapTo(Long.class).one();
            return new KeptOutputTotals(over, total);
        });
    }

    /** Output kept by all jobs. */
    public long keptOutputBytes() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(output_bytes), 0) FROM jobs")
                .mapTo(Long.class).one());
    }

    /** Finished jobs holding output, those that ended first first; of one user, or of all when null. */
    public List<KeptOutput> oldestKeptOutput(String userId, int limit) {
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT id, user_id, output_bytes FROM jobs WHERE status IN ('completed', 'error') "
                    + "AND output_bytes > 0 " + (userId == null ? "" : "AND user_id = :user ")
                    + "ORDER BY finished_at, id LIMIT :n").bind("n", limit);
            if (userId != null) {
                q.bind("user", userId);
            }
            return q.map((rs, ctx) -> new KeptOutput(rs.getString(1), rs.getString(2), rs.getLong(3))).list();
        });
    }

    private static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    /** Limits stored with the job; rows from before limits existed get the defaults. */
    private static SandboxLimits limits(java.sql.ResultSet rs) throws java.sql.SQLException {
        long memory = rs.getLong("memory_bytes");
        if (rs.wasNull()) {
            return SandboxLimits.DEFAULT;
        }
        return new SandboxLimits(memory, rs.getLong("cpu_millis"), rs.getLong("disk_bytes"), rs.getLong("pids"));
    }

    private static Integer nullableInt(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Map<String, String> readEnv(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, ENV);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt environment column: " + e.getMessage(), e);
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
