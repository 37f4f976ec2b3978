package dev.mags.controlplane.files;

import dev.mags.api.FileList;
import dev.mags.api.FileUpload;
import dev.mags.api.UploadedFile;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.error.TooManyRequestsException;
import dev.mags.controlplane.error.UnavailableException;
import dev.mags.controlplane.state.FileRecord;
import dev.mags.controlplane.state.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' uploaded files: taken from a multipart body part by part into {@link FileBlobs} (at most one part
 * in memory per upload, a bounded number of uploads at once), recorded once complete, found by their
 * owner's jobs only, and removed {@link FileLimits#retention()} after their last use.
 */
public final class UploadedFiles {
    private static final Logger LOG = LoggerFactory.getLogger(UploadedFiles.class);

    private final FileStore store;
    private final FileBlobs blobs;
    private final FileLimits limits;
    private final Clock clock;
    private final Semaphore uploads;

    public UploadedFiles(FileStore store, FileBlobs blobs, FileLimits limits, Clock clock) {
        this.store = store;
        this.blobs = blobs;
        this.limits = limits;
        this.clock = clock;
        this.uploads = new Semaphore(limits.concurrentUploads());
    }

    public FileLimits limits() {
        return limits;
    }

    /**
     * Stores the files of a {@code multipart/form-data} body. Over a limit the answer is a 413 naming it; on any
     * failure nothing of this upload is kept.
     */
    public FileUpload upload(Principal who, String contentType, InputStream body) {
        String boundary = MultipartReader.boundary(contentType);
        if (!uploads.tryAcquire()) {
            throw new TooManyRequestsException("too_many_uploads", limits.concurrentUploads()
                    + " uploads are under way on this server; try again in a moment");
        }
        FileWriter writer = new FileWriter(who.userId(), blobs, limits, store.totalBytes(who.userId()), clock);
        try {
            MultipartReader.read(body, boundary, writer);
            if (writer.files().isEmpty()) {
                throw new BadRequestException("invalid_upload", "the upload has no file; send each file as a "
                        + "multipart/form-data part with a filename, e.g. curl -F file=@data.csv");
            }
            writer.files().forEach(store::insert);
            LOG.info("user {} uploaded {} files, {} bytes", who.userId(), writer.files().size(), writer.bytes());
            return FileUpload.of(writer.files().stream().map(this::view).toList());
        } catch (IOException e) {
            writer.discard();
            throw new BadRequestException("invalid_upload", "the upload could not be read to its end: " + e.getMessage());
        } catch (FileStorageException e) {
            writer.discard();
            throw new UnavailableException("storage_unavailable", "cannot store the upload: " + e.getMessage()
                    + "; nothing of it was kept, try again");
        } catch (RuntimeException e) {
            writer.discard();
            throw e;
        } finally {
            uploads.release();
        }
    }

    public FileList list(Principal who) {
        return new FileList(store.list(who.userId()).stream().map(this::view).toList());
    }

    public void delete(Principal who, String id) {
        FileRecord file = store.find(who.userId(), id).orElseThrow(() -> notFound(id));
        store.delete(who.userId(), id);
        deleteBlobsQuietly(file.userId(), file.id());
    }

    /**
     * The user's files of these ids, in that order without repeats; 404 naming the first that is not the
     * user's (another user's id is "not found" as an unknown one).
     */
    public List<FileRecord> forJob(String userId, Collection<String> ids) {
        List<FileRecord> found = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            found.add(store.find(userId, id).orElseThrow(() -> notFound(id)));
        }
        return found;
    }

    /** The file's bytes; the caller closes the stream. */
    public InputStream open(FileRecord file) {
        return blobs.open(file.userId(), file.id(), file.parts());
    }

    /** Marks the files used by a job now, which restarts their retention. */
    public void used(Collection<String> ids) {
        store.touch(ids, clock.instant());
    }

    /**
     * Removes files unused for the retention time, and the parts of uploads that never finished (no row, older
     * than an hour: a crash or a kill mid-upload). Returns how many files went.
     */
    public int reap() {
        int removed = 0;
        for (FileRecord f : store.unusedSince(clock.instant().minus(limits.retention()), 1000)) {
            store.delete(f.userId(), f.id());
            deleteBlobsQuietly(f.userId(), f.id());
            removed++;
        }
        java.time.Instant stale = clock.instant().minus(java.time.Duration.ofHours(1));
        for (FileBlobs.StoredBlob b : blobs.list()) {
            if (b.modified().isBefore(stale) && !store.exists(b.fileId())) {
                deleteBlobsQuietly(b.userId(), b.fileId());
            }
        }
        return removed;
    }

    private UploadedFile view(FileRecord f) {
        return new UploadedFile(f.id(), f.name(), f.sizeBytes(), f.sha256(), f.createdAt(),
                f.lastUsedAt().plus(limits.retention()));
    }

    private void deleteBlobsQuietly(String userId, String fileId) {
        try {
            blobs.delete(userId, fileId);
        } catch (FileStorageException | UncheckedIOException e) {
            LOG.warn("cannot delete the parts of file {} yet ({}); the next sweep does", fileId, e.getMessage());
        }
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("file_not_found", "no uploaded file '" + id + "' of yours (files are kept for a "
                + "while after their last use, then removed); upload it again: mags run -f PATH");
    }
}
