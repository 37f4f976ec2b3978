package dev.mags.controlplane.job;

import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.files.UploadedFiles;
import dev.mags.controlplane.state.FileRecord;
import dev.mags.controlplane.state.JobStore;
import dev.mags.protocol.v2.FileEntry;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A job's uploaded files ({@code file_ids}), checked when it is submitted and placed at {@code /root/<name>} in its
 * sandbox before its script starts, with a link {@code /uploads/<name>} to it (the reference's Node example reads
 * {@code /uploads/script.py}, its Python one {@code script.py} in {@code /root}). Placing never follows a link the
 * sandbox left: whatever is at a path is removed (a link itself, not its target) and made anew, owned by the
 * sandbox's root; files are mode 0644.
 */
public final class JobFiles {
    private static final String DIR = "/root";
    private static final String LINKS = "/uploads";

    private final JobStore jobs;
    private final UploadedFiles files;

    public JobFiles(JobStore jobs, UploadedFiles files) {
        this.jobs = jobs;
        this.files = files;
    }

    /** The user's files of these ids (404 for an id that is not theirs); two of one name are refused. */
    List<FileRecord> check(String userId, List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return List.of();
        }
        List<FileRecord> found = files.forJob(userId, ids);
        Set<String> names = new HashSet<>();
        for (FileRecord f : found) {
            if (!names.add(f.name())) {
                throw new BadRequestException("invalid_field", "two files are named '" + f.name() + "'; both would be "
                        + "/root/" + f.name() + " in the sandbox: rename one and upload it again");
            }
        }
        return found;
    }

    /** Places the job's files into its sandbox; nothing to do for a job without files. */
    void place(String jobId, String userId, Sandbox sandbox) {
        List<String> ids = jobs.files(jobId);
        if (ids.isEmpty()) {
            return;
        }
        List<FileRecord> records;
        try {
            records = files.forJob(userId, ids);
        } catch (RuntimeException e) {
            throw new PlacementException("a file of the job is gone (" + e.getMessage() + "); upload it again", e);
        }
        SandboxFiles fs = sandbox.files();
        try {
            ensureDir(fs, DIR, 0700);
            ensureDir(fs, LINKS, 0755);
            for (FileRecord f : records) {
                write(fs, f);
                clear(fs, LINKS + "/" + f.name(), f.name());
                fs.symlink(LINKS + "/" + f.name(), DIR + "/" + f.name());
            }
        } catch (IOException e) {
            throw new PlacementException("could not place the job's files in " + DIR + ": " + e.getMessage(), e);
        }
        files.used(ids);
    }

    private static void ensureDir(SandboxFiles fs, String dir, int mode) throws IOException {
        try {
            FileEntry entry = fs.stat(dir, false);
            if (!"dir".equals(entry.type())) {
                throw new IOException(dir + " is not a directory in this sandbox");
            }
        } catch (NoSuchFileException e) {
            fs.mkdir(dir, mode);
        }
    }

    /** Removes what is at {@code path} (a link itself, never its target); a directory there is an error. */
    private static void clear(SandboxFiles fs, String path, String name) throws IOException {
        try {
            FileEntry old = fs.stat(path, false);
            if ("dir".equals(old.type())) {
                throw new IOException(path + " is a directory; the file " + name + " cannot replace it");
            }
            fs.delete(path);
        } catch (NoSuchFileException absent) {
            // the usual case
        }
    }

    private void write(SandboxFiles fs, FileRecord f) throws IOException {
        String path = DIR + "/" + f.name();
        clear(fs, path, f.name());
        try (InputStream in = files.open(f);
                SeekableByteChannel out = fs.open(path, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW),
                        0644)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
        }
    }

    /** The job's files could not be placed: the job ends in error with this message, its script never runs. */
    static final class PlacementException extends RuntimeException {
        PlacementException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
