package dev.mags.controlplane.ssh.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code java.nio.file} operations MINA's SFTP and scp servers use, each mapped onto the sandbox's
 * {@link dev.mags.protocol.v2.SandboxFiles}. Not installed as a provider: its file systems are made per SSH channel
 * ({@link SandboxFileSystem#of}).
 */
final class SandboxFileSystemProvider extends FileSystemProvider {
    static final String SCHEME = "mags-sandbox";
    private static final int DEFAULT_FILE_MODE = 0644;
    private static final int DEFAULT_DIR_MODE = 0755;

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Set<OpenOption> open = new HashSet<>();
        for (OpenOption option : options) {
            if (option instanceof StandardOpenOption s && s != StandardOpenOption.SPARSE && s != StandardOpenOption.SYNC
                    && s != StandardOpenOption.DSYNC && s != StandardOpenOption.DELETE_ON_CLOSE) {
                open.add(s);
            }
        }
        SandboxPath p = cast(path);
        return p.getFileSystem().files().open(p.sandboxPath(), open, Modes.of(attrs, DEFAULT_FILE_MODE));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        SandboxPath p = cast(dir);
        return new SandboxDirectoryStream(p, p.getFileSystem().files().list(p.sandboxPath()), filter);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        SandboxPath p = cast(dir);
        p.getFileSystem().files().mkdir(p.sandboxPath(), Modes.of(attrs, DEFAULT_DIR_MODE));
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        SandboxPath p = cast(link);
        p.getFileSystem().files().symlink(p.sandboxPath(), target.toString());
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        SandboxPath p = cast(link);
        return p.getFileSystem().getPath(p.getFileSystem().files().readLink(p.sandboxPath()));
    }

    @Override
    public void delete(Path path) throws IOException {
        SandboxPath p = cast(path);
        p.getFileSystem().files().delete(p.sandboxPath());
    }

    /** A copy inside the sandbox (SFTP's copy-file extension): the bytes pass through the gateway. */
    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
        SandboxPath from = cast(source);
        SandboxPath to = cast(target);
        if (!replace && exists(to)) {
            throw new FileAlreadyExistsException(to.sandboxPath());
        }
        try (InputStream in = newInputStream(from); OutputStream out = newOutputStream(to)) {
            in.transferTo(out);
        }
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
        SandboxPath from = cast(source);
        from.getFileSystem().files().rename(from.sandboxPath(), cast(target).sandboxPath(), replace);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) {
        return path.equals(path2) || (path instanceof SandboxPath a && path2 instanceof SandboxPath b
                && a.getFileSystem() == b.getFileSystem() && a.sandboxPath().equals(b.sandboxPath()));
    }

    @Override
    public boolean isHidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    @Override
    public FileStore getFileStore(Path path) {
        throw new UnsupportedOperationException("a sandbox's file store is not visible through SSH");
    }

    /** Root in the sandbox may do anything its files' modes allow it; existence is what is checked. */
    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        SandboxPath p = cast(path);
        p.getFileSystem().files().stat(p.sandboxPath(), true);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type.isAssignableFrom(SandboxAttributeView.class)) {
            return (V) new SandboxAttributeView(cast(path), follows(options));
        }
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (type == BasicFileAttributes.class || type == PosixFileAttributes.class) {
            return (A) new SandboxAttributeView(cast(path), follows(options)).readAttributes();
        }
        throw new UnsupportedOperationException("no " + type.getSimpleName() + " for a sandbox's files");
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        AttributeNames names = AttributeNames.parse(attributes);
        SandboxAttributes all = new SandboxAttributeView(cast(path), follows(options)).readAttributes();
        return names.select(all.asMap(names.view()));
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        AttributeNames names = AttributeNames.parse(attribute);
        SandboxAttributeWriter.set(new SandboxAttributeView(cast(path), follows(options)), names, value);
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("a sandbox's file system is made per SSH channel");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("a sandbox's file system is made per SSH channel");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("a sandbox's file system is made per SSH channel");
    }

    private boolean exists(SandboxPath path) {
        try {
            checkAccess(path);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean follows(LinkOption... options) {
        return !List.of(options).contains(LinkOption.NOFOLLOW_LINKS);
    }

    private static SandboxPath cast(Path path) {
        if (path instanceof SandboxPath p) {
            return p;
        }
        throw new ProviderMismatchException("not a sandbox path: " + path);
    }
}
