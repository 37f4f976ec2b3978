package dev.mags.storage.tree;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The open directories along one path of a tree, for passes over entries in path order (a restore's): the
 * parent of the next entry is reached from the deepest directory the two paths share, one component at a
 * time (openat with O_NOFOLLOW|O_DIRECTORY relative to the pinned parent, then checked to be on the root's
 * device), so each directory is opened once per pass and no path is resolved twice. Entries out of order
 * are only slower. Closing twice is harmless.
 */
public final class DirCursor implements AutoCloseable {
    private final TreeRoot root;
    /** open.get(i) is the directory of the first i components of {@link #names}; open.get(0) is the root. */
    private final List<TreeDir> open = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    public DirCursor(TreeRoot root) throws IOException {
        this.root = root;
        open.add(root.openDir(""));
    }

    /** The root directory itself. */
    public TreeDir root() {
        return open.get(0);
    }

    /** The open directory holding the entry {@code rel} (not the root); name the entry in it with {@link TreeRoot#nameOf}. */
    public TreeDir parentOf(String rel) throws IOException {
        TreeRoot.checkRelative(rel);
        String[] parts = rel.split("/");
        int depth = parts.length - 1;
        int shared = 0;
        while (shared < depth && shared < names.size() && names.get(shared).equals(parts[shared])) {
            shared++;
        }
        while (names.size() > shared) {
            open.remove(open.size() - 1).close();
            names.remove(names.size() - 1);
        }
        for (int i = shared; i < depth; i++) {
            TreeDir child = open.get(open.size() - 1).openDir(parts[i]);
            try {
                FileStat st = child.stat();
                if (st.dev() != root.dev()) {
                    throw new TreeChangedException(child.where(), "is a mount point; not entered");
                }
            } catch (IOException | RuntimeException e) {
                child.close();
                throw e;
            }
            open.add(child);
            names.add(parts[i]);
        }
        return open.get(open.size() - 1);
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
        names.clear();
    }
}
