package dev.mags.storage.sync;

import dev.mags.storage.tree.TreeFile;
import dev.mags.storage.tree.TreeRoot;
import java.io.IOException;

/**
 * Opens a file of the tree being synced for reading, by its path relative to the tree's root: the seam
 * through which tests count how many files a sync really reads. {@link #DEFAULT} resolves the path beneath
 * the root without following a symlink anywhere ({@link TreeRoot#openForReading}).
 */
@FunctionalInterface
public interface FileOpener {
    FileOpener DEFAULT = TreeRoot::openForReading;

    TreeFile open(TreeRoot root, String path) throws IOException;
}
