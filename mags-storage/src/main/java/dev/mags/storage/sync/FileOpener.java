package dev.mags.storage.sync;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens files for reading: the seam through which tests count how many files a sync really reads. */
@FunctionalInterface
public interface FileOpener {
    FileOpener DEFAULT = file -> FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

    ReadableByteChannel open(Path file) throws IOException;
}
