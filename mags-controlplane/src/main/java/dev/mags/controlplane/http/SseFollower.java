package dev.mags.controlplane.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.JobInfo;
import dev.mags.api.LogEntry;
import dev.mags.api.StreamEvent;
import dev.mags.controlplane.job.OutputRegistry;
import dev.mags.controlplane.job.OutputSubscriber;
import dev.mags.controlplane.state.LogPage;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one job's output over one server-sent-event connection, holding a bounded amount of it.
 * Catching up, it reads a page of lines (stored, then not yet stored), hands it to the connection
 * and reads the next page only once the connection has written most of it to the client; when no
 * line is left it subscribes to the live output. Live, it sends each line as it comes; if the client
 * reads slower than the job writes and {@link #MAX_QUEUED_CHARS} are waiting to be written, it
 * unsubscribes and catches up again from the last line it sent. Each seq is sent once, in order.
 */
final class SseFollower implements OutputSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(SseFollower.class);
    /** Event text handed to the connection and not yet written to the client, past which live lines stop. */
    static final long MAX_QUEUED_CHARS = 1024 * 1024;
    private static final long RESUME_BELOW = MAX_QUEUED_CHARS / 4;
    /** How often the stored lines of a job another replica runs are read (that replica stores them every 50 ms). */
    static final long ELSEWHERE_POLL_MILLIS = 200;

    private final ServerSentEventConnection connection;
    private final String jobId;
    private final OutputRegistry outputs;
    private final Function<String, JobInfo> finalStatus;
    private final ObjectMapper json;
    private final Executor readers;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean pullWanted = new AtomicBoolean();
    private long lastSentSeq;
    private volatile boolean live;
    private volatile boolean stopped;

    SseFollower(ServerSentEventConnection connection, String jobId, long afterSeq, OutputRegistry outputs,
            Function<String, JobInfo> finalStatus, ObjectMapper json, Executor readers) {
        this.connection = connection;
        this.jobId = jobId;
        this.lastSentSeq = afterSeq;
        this.outputs = outputs;
        this.finalStatus = finalStatus;
        this.json = json;
        this.readers = readers;
    }

    void start() {
        schedulePull();
    }

    /** The client has gone. */
    void stop() {
        stopped = true;
        outputs.unsubscribe(jobId, this);
    }

    @Override
    public boolean onLog(LogEntry entry) {
        if (stopped) {
            return false;
        }
        if (queued.get() > MAX_QUEUED_CHARS) {
            live = false;
            pullWhenDrained();
            return false;
        }
        sendLog(entry);
        return true;
    }

    @Override
    public void onFinished(JobInfo info) {
        if (!stopped) {
            sendFinal(info);
        }
    }

    /** Sends the next page, or follows live once there is none; runs on a reader thread. */
    private void pull() {
        if (stopped) {
            return;
        }
        long after = lastSent();
        LogPage page = outputs.page(jobId, after);
        if (!page.entries().isEmpty()) {
            page.entries().forEach(this::sendLog);
            pullWhenDrained();
            return;
        }
        switch (outputs.follow(jobId, after, this)) {
            case LIVE -> live = true; // onLog sends from here on
            case BEHIND -> schedulePull();
            case ENDED -> {
                // Everything is stored now, including lines that came after the page above was read.
                if (!outputs.page(jobId, lastSent()).entries().isEmpty()) {
                    schedulePull();
                    return;
                }
                JobInfo info = finalStatus.apply(jobId);
                if (runsElsewhere(info)) {
                    // another control-plane replica runs it and stores its lines as they come: read them again soon
                    java.util.concurrent.CompletableFuture.delayedExecutor(ELSEWHERE_POLL_MILLIS,
                            java.util.concurrent.TimeUnit.MILLISECONDS, readers).execute(this::pullQuietly);
                } else {
                    sendFinal(info);
                }
            }
        }
    }

    /**
     * Whether the job's script still runs although this process has no live output of it: a cluster's other replica
     * runs it (on a single node, a script that runs always has its live output here, bar a moment at its end), or
     * is storing its last lines: a job is shown running until they are stored (see {@code JobViews}).
     */
    private static boolean runsElsewhere(JobInfo info) {
        return info.exitCode() == null && (info.status() == dev.mags.api.JobStatus.RUNNING
                || info.status() == dev.mags.api.JobStatus.PENDING);
    }

    private void pullQuietly() {
        try {
            pull();
        } catch (RuntimeException e) {
            LOG.warn("cannot send the output of job {}; closing its event stream", jobId, e);
            closeQuietly(connection);
        }
    }

    private void pullWhenDrained() {
        pullWanted.set(true);
        resumeIfDrained();
    }

    private void resumeIfDrained() {
        if (queued.get() <= RESUME_BELOW && pullWanted.compareAndSet(true, false)) {
            schedulePull();
        }
    }

    private void schedulePull() {
        try {
            readers.execute(this::pullQuietly);
        } catch (RejectedExecutionException shuttingDown) {
            closeQuietly(connection);
        }
    }

    /** Whether lines come straight from the job now (rather than read a page at a time). */
    boolean isLive() {
        return live;
    }

    /** Event text handed to the connection and not yet written to the client. */
    long queuedChars() {
        return queued.get();
    }

    private synchronized long lastSent() {
        return lastSentSeq;
    }

    private synchronized void sendLog(LogEntry e) {
        if (e.seq() <= lastSentSeq) {
            return;
        }
        lastSentSeq = e.seq();
        String data = write(e);
        queued.addAndGet(data.length());
        connection.send(data, StreamEvent.LOG, Long.toString(e.seq()), new ServerSentEventConnection.EventCallback() {
            @Override
            public void done(ServerSentEventConnection c, String d, String event, String id) {
                queued.addAndGet(-d.length());
                resumeIfDrained();
            }

            @Override
            public void failed(ServerSentEventConnection c, String d, String event, String id, IOException ex) {
                stop();
                closeQuietly(c);
            }
        });
    }

    /** Sends the final status and closes once it is written. */
    private void sendFinal(JobInfo info) {
        connection.send(write(info), StreamEvent.STATUS, null, new ServerSentEventConnection.EventCallback() {
            @Override
            public void done(ServerSentEventConnection c, String data, String event, String id) {
                closeQuietly(c);
            }

            @Override
            public void failed(ServerSentEventConnection c, String data, String event, String id, IOException e) {
                closeQuietly(c);
            }
        });
    }

    private static void closeQuietly(ServerSentEventConnection c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // the client has gone; nothing left to tell it
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
