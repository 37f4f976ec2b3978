package dev.mags.storage.testing;

import dev.mags.storage.sync.FileOpener;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every file a sync opens. */
public final class CountingFileOpener implements FileOpener {
    private final List<Path> opened = new CopyOnWriteArrayList<>();

    @Override
    public ReadableByteChannel open(Path file) throws IOException {
        opened.add(file);
        return FileOpener.DEFAULT.open(file);
    }

    public List<Path> opened() {
        return List.copyOf(opened);
    }

    public void reset() {
        opened.clear();
    }
}
