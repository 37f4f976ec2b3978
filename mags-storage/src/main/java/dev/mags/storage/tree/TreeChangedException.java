package dev.mags.storage.tree;

import java.nio.file.NoSuchFileException;

/**
 * What was expected at a path inside a tree is not there any more in a form that may be used: a symbolic
 * link, a mount point or an entry of another kind (a FIFO where a regular file was, a file where a directory
 * was) is in the way. Nothing was followed. A NoSuchFileException, so that a sync leaves such a path out of
 * its snapshot as it does a file deleted meanwhile; a restore fails on it.
 */
public final class TreeChangedException extends NoSuchFileException {
    private static final long serialVersionUID = 1L;

    public TreeChangedException(String path, String reason) {
        super(path, null, reason);
    }
}
