package dev.mags.storage.testing;

import dev.mags.storage.sync.FileOpener;
import dev.mags.storage.tree.TreeFile;
import dev.mags.storage.tree.TreeRoot;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every file a sync opens, by its path relative to the synced tree. */
public final class CountingFileOpener implements FileOpener {
    private final List<String> opened = new CopyOnWriteArrayList<>();

    @Override
    public TreeFile open(TreeRoot root, String path) throws IOException {
        opened.add(path);
        return FileOpener.DEFAULT.open(root, path);
    }

    public List<String> opened() {
        return List.copyOf(opened);
    }

    public void reset() {
        opened.clear();
    }
}
