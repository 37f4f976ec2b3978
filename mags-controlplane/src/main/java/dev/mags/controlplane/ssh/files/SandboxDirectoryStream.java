package dev.mags.controlplane.ssh.files;

import dev.mags.protocol.v2.FileEntry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A directory's entries, listed at once by {@link dev.mags.protocol.v2.SandboxFiles#list}. */
final class SandboxDirectoryStream implements DirectoryStream<Path> {
    private final List<Path> paths = new ArrayList<>();
    private boolean iterated;

    SandboxDirectoryStream(SandboxPath dir, List<FileEntry> entries, Filter<? super Path> filter) throws IOException {
        for (FileEntry entry : entries) {
            Path p = dir.resolve(entry.name());
            if (filter == null || filter.accept(p)) {
                paths.add(p);
            }
        }
    }

    @Override
    public synchronized Iterator<Path> iterator() {
        if (iterated) {
            throw new IllegalStateException("a directory stream is iterated once");
        }
        iterated = true;
        return paths.iterator();
    }

    @Override
    public void close() {
        // the listing is held in memory; nothing is open
    }
}
