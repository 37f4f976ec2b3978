package dev.mags.controlplane.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.JobInfo;
import dev.mags.api.LogEntry;
import dev.mags.api.StreamEvent;
import dev.mags.controlplane.job.OutputSubscriber;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends one job's output over one server-sent-event connection. Live lines that arrive while the
 * stored lines are being replayed wait in a buffer, so the client sees every seq once, in order.
 */
final class SseFollower implements OutputSubscriber {
    private final ServerSentEventConnection connection;
    private final ObjectMapper json;
    private final List<Object> buffered = new ArrayList<>();
    private boolean replaying = true;
    private long lastSentSeq;

    SseFollower(ServerSentEventConnection connection, ObjectMapper json, long afterSeq) {
        this.connection = connection;
        this.json = json;
        this.lastSentSeq = afterSeq;
    }

    @Override
    public synchronized void onLog(LogEntry entry) {
        if (replaying) {
            buffered.add(entry);
        } else {
            sendLog(entry);
        }
    }

    @Override
    public synchronized void onFinished(JobInfo info) {
        if (replaying) {
            buffered.add(info);
        } else {
            sendFinal(info);
        }
    }

    /** Sends stored lines; call once, before {@link #goLive()}. */
    synchronized void replay(List<LogEntry> entries) {
        entries.forEach(this::sendLog);
    }

    /** Sends what arrived during the replay, then passes live events straight through. */
    synchronized void goLive() {
        replaying = false;
        for (Object o : buffered) {
            if (o instanceof LogEntry e) {
                sendLog(e);
            } else {
                sendFinal((JobInfo) o);
            }
        }
        buffered.clear();
    }

    private void sendLog(LogEntry e) {
        if (e.seq() <= lastSentSeq) {
            return;
        }
        lastSentSeq = e.seq();
        connection.send(write(e), StreamEvent.LOG, Long.toString(e.seq()), null);
    }

    /** Sends the final status and closes once it is written. */
    void sendFinal(JobInfo info) {
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
