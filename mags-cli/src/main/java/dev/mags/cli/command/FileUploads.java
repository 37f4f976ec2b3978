package dev.mags.cli.command;

import dev.mags.cli.output.UploadProgressBar;
import dev.mags.sdk.Mags;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of {@code mags run -f}: checked before anything is sent, then uploaded one by one (a progress bar on
 * a terminal for files of a megabyte or more), answering their ids for the job.
 */
final class FileUploads {
    /** Files smaller than this go up without a bar: it would only flash. */
    private static final long BAR_FROM_BYTES = 1 << 20;

    private FileUploads() {}

    /** A usage error (exit 2) naming the first path that is not a readable regular file. */
    static void check(List<Path> files) {
        for (Path f : files) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new CliException("-f " + f + ": not a readable file", CliException.USAGE);
            }
        }
    }

    static List<String> upload(Mags mags, List<Path> files) {
        boolean terminal = System.console() != null;
        List<String> ids = new ArrayList<>();
        for (Path f : files) {
            try {
                long size = Files.size(f);
                if (terminal && size >= BAR_FROM_BYTES) {
                    try (UploadProgressBar bar = new UploadProgressBar(f.getFileName().toString(), size, System.err)) {
                        ids.add(mags.uploadFile(f, bar::sent));
                    }
                } else {
                    ids.add(mags.uploadFile(f, n -> { }));
                }
            } catch (java.io.IOException | UncheckedIOException e) {
                throw new CliException("-f " + f + ": " + e.getMessage(), CliException.USAGE);
            }
        }
        return ids;
    }
}
