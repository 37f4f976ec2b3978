package dev.mags.controlplane.files;

import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.PayloadTooLargeException;
import dev.mags.controlplane.state.FileRecord;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The files of one upload as they stream in: each file's bytes are gathered into a part buffer, counted and
 * hashed; a full buffer is stored as a part on a thread of its own while the next ones fill ({@link #IN_FLIGHT}
 * parts stored at once: receiving and storing overlap, and an upload holds {@code IN_FLIGHT + 1} parts at most). A
 * file over its limit stops the upload with a 413.
 */
final class FileWriter implements MultipartReader.FileSink {
    private final String userId;
    private final FileBlobs blobs;
    private final FileLimits limits;
    private final long userBytesBefore;
    private final Clock clock;
    /** Parts stored at once: a put waits on the store for much of its time, so two keep it busier than one. */
    static final int IN_FLIGHT = 2;

    private byte[] part = new byte[FileBlobs.PART_BYTES];
    /** Buffers free to fill; a stored part's buffer comes back here. */
    private final java.util.ArrayDeque<byte[]> free = new java.util.ArrayDeque<>();
    /** The parts being stored, oldest first. */
    private final java.util.ArrayDeque<Put> putting = new java.util.ArrayDeque<>();
    private volatile RuntimeException putFailure;

    private record Put(Thread thread, byte[] buffer) {}
    private final List<FileRecord> done = new ArrayList<>();
    private final List<String> started = new ArrayList<>();
    private long bytes;

    private String fileId;
    private String name;
    private MessageDigest digest;
    private long size;
    private int filled;
    private int parts;

    FileWriter(String userId, FileBlobs blobs, FileLimits limits, long userBytesBefore, Clock clock) {
        this.userId = userId;
        this.blobs = blobs;
        this.limits = limits;
        this.userBytesBefore = userBytesBefore;
        this.clock = clock;
    }

    @Override
    public void begin(String sentFileName) {
        if (started.size() == limits.maxFilesPerUpload()) {
            throw new BadRequestException("invalid_upload", "an upload may hold at most " + limits.maxFilesPerUpload()
                    + " files; send the others in another upload");
        }
        name = FileName.of(sentFileName).value();
        fileId = UUID.randomUUID().toString();
        started.add(fileId);
        digest = sha256();
        size = 0;
        filled = 0;
        parts = 0;
    }

    @Override
    public void data(ByteBuffer bytesIn) {
        while (bytesIn.hasRemaining()) {
            int n = Math.min(bytesIn.remaining(), part.length - filled);
            bytesIn.get(part, filled, n);
            digest.update(part, filled, n);
            filled += n;
            size += n;
            bytes += n;
            checkLimits();
            if (filled == part.length) {
                flush();
            }
        }
    }

    @Override
    public void end() {
        if (filled > 0 || parts == 0) {
            flush(); // an empty file is one empty part
        }
        awaitPut();
        Instant now = clock.instant();
        done.add(new FileRecord(fileId, userId, name, size, HexFormat.of().formatHex(digest.digest()), parts, now, now));
    }

    List<FileRecord> files() {
        return done;
    }

    long bytes() {
        return bytes;
    }

    /** Removes what this upload stored: called when it fails, before any row was written. */
    void discard() {
        while (!putting.isEmpty()) {
            try {
                awaitOldest(); // every part in flight has ended before the parts are deleted
            } catch (RuntimeException e) {
                // a failed one: nothing of it to wait for
            }
        }
        putFailure = null;
        for (String id : started) {
            try {
                blobs.delete(userId, id);
            } catch (RuntimeException e) {
                // the sweep of unfinished uploads removes it (no row names it)
            }
        }
    }

    private void checkLimits() {
        if (size > limits.maxFileBytes()) {
            throw new PayloadTooLargeException("file_too_large", "file " + name + " is larger than this server's limit "
                    + "of " + mib(limits.maxFileBytes()) + " per file; nothing of the upload was kept");
        }
        if (userBytesBefore + bytes > limits.maxBytesPerUser()) {
            throw new PayloadTooLargeException("file_quota_exceeded", "your uploaded files would take more than "
                    + mib(limits.maxBytesPerUser()) + " (you keep " + mib(userBytesBefore) + "); delete some "
                    + "(DELETE /api/v1/mags-files/{id}) or let them expire; nothing of the upload was kept");
        }
    }

    /** Stores the full buffer as the next part on a thread of its own; fills another meanwhile. */
    private void flush() {
        if (putting.size() >= IN_FLIGHT) {
            awaitOldest();
        }
        byte[] data = part;
        int length = filled;
        int index = parts++;
        String file = fileId;
        Thread thread = Thread.ofPlatform().name("file-part-" + file + "-" + index).daemon().start(() -> {
            try {
                blobs.putPart(userId, file, index, data, length);
            } catch (RuntimeException e) {
                putFailure = e;
            }
        });
        putting.add(new Put(thread, data));
        part = free.isEmpty() ? new byte[FileBlobs.PART_BYTES] : free.poll();
        filled = 0;
        throwFailure();
    }

    /** Waits for every part in flight; throws a failure of any. */
    private void awaitPut() {
        while (!putting.isEmpty()) {
            awaitOldest();
        }
        throwFailure();
    }

    private void awaitOldest() {
        Put put = putting.poll();
        boolean interrupted = false;
        while (true) {
            try {
                put.thread().join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the part's buffer is in use until its put ends
            }
        }
        free.add(put.buffer());
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        throwFailure();
    }

    private void throwFailure() {
        RuntimeException failure = putFailure;
        if (failure != null) {
            putFailure = null;
            throw failure;
        }
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
