package dev.mags.storage.index;

import java.util.List;

/**
 * A regular file as the last sync saw it. If size, mtime, ctime and inode are all unchanged the file is not
 * opened again and its chunk list is reused (the rule of restic's and git's index: ctime catches the changes
 * that preserve mtime, such as {@code touch -r} or a rename over the file).
 */
public record IndexedFile(String path, long size, long mtimeNs, long ctimeNs, long ino, List<String> chunks) {
    public IndexedFile {
        chunks = List.copyOf(chunks);
    }

    public boolean matches(long size, long mtimeNs, long ctimeNs, long ino) {
        return this.size == size && this.mtimeNs == mtimeNs && this.ctimeNs == ctimeNs && this.ino == ino;
    }
}
