package dev.mags.controlplane.state;

import dev.mags.api.JobStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A real state store (SQLite in a temp dir, or a PostgreSQL database of its own), with helpers that add users and jobs. */
public final class StateFixture implements AutoCloseable {
    public final Path file;
    public final Database db;
    public final JobStore jobs;
    public final LogStore logs;
    private final UserStore users;

    public StateFixture(Path dir) {
        this(dir, StateBackend.SQLITE);
    }

    public StateFixture(Path dir, StateBackend backend) {
        this.file = dir.resolve("state.db");
        this.db = backend.open(dir);
        this.jobs = new JobStore(db.jdbi());
        this.logs = new LogStore(db.jdbi());
        this.users = new UserStore(db.jdbi());
    }

    /** A new user; returns its id. */
    public String user(String name) {
        String id = UUID.randomUUID().toString();
        users.insertUser(new UserRecord(id, name, false, Instant.now()));
        return id;
    }

    /** A new pending job of {@code userId}; returns its id. */
    public String job(String userId, Instant createdAt) {
        String id = UUID.randomUUID().toString();
        jobs.insert(new JobRecord(id, userId, null, "true", "inline", "busybox", Map.of(), null, null,
                JobStatus.PENDING, null, null, createdAt, null, null, null));
        return id;
    }

    /** A job that ended at {@code finishedAt}. */
    public String finishedJob(String userId, Instant finishedAt) {
        String id = job(userId, finishedAt.minusSeconds(1));
        jobs.markRunning(id, finishedAt.minusSeconds(1));
        jobs.finish(id, JobStatus.COMPLETED, 0, null, finishedAt);
        return id;
    }

    /** Bytes of state.db and its WAL, as {@code ls -l state.db*} shows them. */
    public long fileBytes() {
        long total = 0;
        for (String suffix : new String[] {"", "-wal"}) {
            Path p = file.resolveSibling(file.getFileName() + suffix);
            try {
                total += java.nio.file.Files.exists(p) ? java.nio.file.Files.size(p) : 0;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return total;
    }

    @Override
    public void close() {
        db.close();
    }
}
