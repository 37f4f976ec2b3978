package dev.mags.agent.files;

import static dev.mags.agent.files.Entries.readlink;
import static dev.mags.agent.files.InsidePaths.nameOf;
import static dev.mags.agent.files.InsidePaths.parentOf;
import static dev.mags.agent.files.InsidePaths.relative;
import static dev.mags.agent.files.InsidePaths.requireEntry;

import com.sun.jna.LastErrorException;
import dev.mags.protocol.v2.FileEntry;
import dev.mags.protocol.v2.SandboxFiles;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A running sandbox's files reached from the host: every path, as the sandbox sees it, is resolved by
 * {@link InRoot} beneath a descriptor of the sandbox's merged root (the overlay mount, never its upper layer),
 * so a symlink or {@code ..} leads where it would inside the sandbox and never out of it. What is created
 * belongs to the sandbox's root (host uid and gid {@code rootId}); ids given and shown are the sandbox's own.
 * The root is opened per call: a descriptor held on it would keep the overlay busy at the sandbox's end.
 * {@link #close()} (at the sandbox's end) closes the files still open and refuses further calls.
 */
public final class RootedFiles implements SandboxFiles, AutoCloseable {
    private final Path root;
    private final long rootId;
    private final long idCount;
    private final Set<FileChannelOfFd> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param root    the sandbox's merged root on the host
     * @param rootId  the host id of the sandbox's root (its user namespace's first id)
     * @param idCount how many ids its user namespace maps
     */
    public RootedFiles(Path root, long rootId, long idCount) {
        this.root = root;
        this.rootId = rootId;
        this.idCount = idCount;
    }

    /** A descriptor the caller closes, for one call. */
    private interface Call<T> {
        T run(int rootFd) throws IOException;
    }

    private <T> T inRoot(Call<T> call) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        int fd = InRoot.openHostDir(root.toString());
        try {
            return call.run(fd);
        } finally {
            InRoot.closeQuietly(fd);
        }
    }

    @Override
    public FileEntry stat(String path, boolean followLinks) throws IOException {
        String rel = relative(path);
        return inRoot(r -> {
            int fd = InRoot.open(r, rel, InRoot.O_PATH | (followLinks ? 0 : InRoot.O_NOFOLLOW), 0);
            try {
                return entry(nameOf(rel), fd, "", path);
            } finally {
                InRoot.closeQuietly(fd);
            }
        });
    }

    @Override
    public List<FileEntry> list(String dir) throws IOException {
        String rel = relative(dir);
        return inRoot(r -> {
            int fd = InRoot.open(r, rel, InRoot.O_RDONLY | InRoot.O_DIRECTORY, 0);
            try {
                List<FileEntry> entries = new ArrayList<>();
                for (String name : Entries.names(fd, dir)) {
                    try {
                        entries.add(entry(name, fd, name, dir + "/" + name));
                    } catch (java.nio.file.NoSuchFileException e) {
                        // removed since the listing
                    }
                }
                return entries;
            } finally {
                InRoot.closeQuietly(fd);
            }
        });
    }

    @Override
    public SeekableByteChannel open(String path, Set<? extends OpenOption> options, int mode) throws IOException {
        String rel = requireEntry(path);
        boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        boolean read = options.contains(StandardOpenOption.READ) || !write;
        boolean append = options.contains(StandardOpenOption.APPEND);
        int flags = (read && write ? InRoot.O_RDWR : write ? InRoot.O_WRONLY : InRoot.O_RDONLY) | InRoot.O_NONBLOCK
                | (append ? InRoot.O_APPEND : 0)
                | (write && options.contains(StandardOpenOption.TRUNCATE_EXISTING) ? InRoot.O_TRUNC : 0);
        boolean createNew = options.contains(StandardOpenOption.CREATE_NEW);
        boolean create = createNew || options.contains(StandardOpenOption.CREATE);
        int fd = inRoot(r -> {
            if (!create) {
                return InRoot.open(r, rel, flags, 0);
            }
            try {
                int created = InRoot.open(r, rel, flags | InRoot.O_CREAT | InRoot.O_EXCL, mode & 07777);
                giveToRoot(created, path);
                return created;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (createNew) {
                    throw e;
                }
                return InRoot.open(r, rel, flags, 0);
            }
        });
        try {
            if (Entries.stat(fd, "", path).type() != Entries.S_IFREG) {
                throw new FileSystemException(path, null, "is not a regular file");
            }
        } catch (IOException | RuntimeException e) {
            InRoot.closeQuietly(fd);
            throw e;
        }
        FileChannelOfFd[] channel = new FileChannelOfFd[1];
        channel[0] = new FileChannelOfFd(fd, path, read, write, append, () -> open.remove(channel[0]));
        open.add(channel[0]);
        if (closed) {
            channel[0].close();
            throw new ClosedChannelException();
        }
        return channel[0];
    }

    @Override
    public void mkdir(String path, int mode) throws IOException {
        inParent(path, (dir, name) -> {
            InRoot.mkdirat(dir, InRoot.c(name), mode & 07777);
            InRoot.fchownat(dir, InRoot.c(name), (int) rootId, (int) rootId, InRoot.AT_SYMLINK_NOFOLLOW);
        });
    }

    @Override
    public void delete(String path) throws IOException {
        inParent(path, (dir, name) -> {
            boolean isDir = (Entries.stat(dir, name, path).type() == Entries.S_IFDIR);
            InRoot.unlinkat(dir, InRoot.c(name), isDir ? InRoot.AT_REMOVEDIR : 0);
        });
    }

    @Override
    public void rename(String from, String to, boolean replace) throws IOException {
        String fromRel = requireEntry(from);
        String toRel = requireEntry(to);
        inRoot(r -> {
            int fromDir = InRoot.open(r, parentOf(fromRel), InRoot.O_PATH | InRoot.O_DIRECTORY, 0);
            try {
                int toDir = InRoot.open(r, parentOf(toRel), InRoot.O_PATH | InRoot.O_DIRECTORY, 0);
                try {
                    InRoot.renameat2(fromDir, InRoot.c(nameOf(fromRel)), toDir, InRoot.c(nameOf(toRel)),
                            replace ? 0 : InRoot.RENAME_NOREPLACE);
                    return null;
                } catch (LastErrorException e) {
                    throw InRoot.error("rename", from + " -> " + to, e);
                } finally {
                    InRoot.closeQuietly(toDir);
                }
            } finally {
                InRoot.closeQuietly(fromDir);
            }
        });
    }

    @Override
    public void symlink(String link, String target) throws IOException {
        inParent(link, (dir, name) -> {
            InRoot.symlinkat(InRoot.c(target), dir, InRoot.c(name));
            InRoot.fchownat(dir, InRoot.c(name), (int) rootId, (int) rootId, InRoot.AT_SYMLINK_NOFOLLOW);
        });
    }

    @Override
    public String readLink(String path) throws IOException {
        String rel = requireEntry(path);
        return inRoot(r -> {
            int fd = InRoot.open(r, rel, InRoot.O_PATH | InRoot.O_NOFOLLOW, 0);
            try {
                return readlink(fd, "", path);
            } finally {
                InRoot.closeQuietly(fd);
            }
        });
    }

    @Override
    public void setMode(String path, int mode) throws IOException {
        onEntry(path, fd -> InRoot.chmod(InRoot.c("/proc/self/fd/" + fd), mode & 07777));
    }

    @Override
    public void setOwner(String path, long uid, long gid) throws IOException {
        if (uid < 0 || gid < 0 || uid >= idCount || gid >= idCount) {
            throw new FileSystemException(path, null, "ids " + uid + ":" + gid + " are outside the sandbox's 0-"
                    + (idCount - 1));
        }
        onEntry(path, fd -> InRoot.fchownat(fd, InRoot.c(""), (int) (rootId + uid), (int) (rootId + gid),
                InRoot.AT_EMPTY_PATH));
    }

    @Override
    public void setModified(String path, Instant modified) throws IOException {
        long[] times = {0, InRoot.UTIME_OMIT, modified.getEpochSecond(), modified.getNano()};
        onEntry(path, fd -> InRoot.utimensat(InRoot.AT_FDCWD, InRoot.c("/proc/self/fd/" + fd), times, 0));
    }

    /** Closes the files still open and refuses further calls: the sandbox ends. */
    @Override
    public void close() {
        closed = true;
        List.copyOf(open).forEach(FileChannelOfFd::close);
    }

    private interface EntryCall {
        void run(int fd) throws LastErrorException;
    }

    private interface NameCall {
        void run(int dir, String name) throws IOException, LastErrorException;
    }

    /** Runs {@code call} on an O_PATH descriptor of what {@code path} leads to (symlinks followed, inside). */
    private void onEntry(String path, EntryCall call) throws IOException {
        String rel = relative(path);
        inRoot(r -> {
            int fd = InRoot.open(r, rel, InRoot.O_PATH, 0);
            try {
                call.run(fd);
                return null;
            } catch (LastErrorException e) {
                throw InRoot.error("change", path, e);
            } finally {
                InRoot.closeQuietly(fd);
            }
        });
    }

    /** Runs {@code call} on the directory {@code path} is in and its last component (never followed). */
    private void inParent(String path, NameCall call) throws IOException {
        String rel = requireEntry(path);
        inRoot(r -> {
            int dir = InRoot.open(r, parentOf(rel), InRoot.O_PATH | InRoot.O_DIRECTORY, 0);
            try {
                call.run(dir, nameOf(rel));
                return null;
            } catch (LastErrorException e) {
                throw InRoot.error("change", path, e);
            } finally {
                InRoot.closeQuietly(dir);
            }
        });
    }

    private void giveToRoot(int fd, String path) throws IOException {
        try {
            InRoot.fchownat(fd, InRoot.c(""), (int) rootId, (int) rootId, InRoot.AT_EMPTY_PATH);
        } catch (LastErrorException e) {
            InRoot.closeQuietly(fd);
            throw InRoot.error("chown", path, e);
        }
    }

    private FileEntry entry(String name, int dir, String rel, String path) throws IOException {
        Entries.Stat st = Entries.stat(dir, rel, path);
        String target = st.type() == Entries.S_IFLNK ? readlink(dir, rel, path) : null;
        return new FileEntry(name, Entries.typeName(st.type()), st.size(), st.mode(), inside(st.uid()), inside(st.gid()),
                st.modified(), target);
    }

    /** A host id as the sandbox sees it; ids outside its mapping show as the overflow id, 65534, as inside. */
    private long inside(long hostId) {
        return hostId >= rootId && hostId < rootId + idCount ? hostId - rootId : 65534;
    }

}
