package dev.mags.agent.rootfs;

import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory made a mount of its own, {@code nosuid,nodev}: a bind mount onto itself. For directories that
 * hold users' files as they are (setuid bits, device nodes) on the host's file system, so that a process of
 * the host that reaches one of them still cannot gain an id through it. {@link #ensure} takes over such a
 * mount a crashed agent left; {@link #release} removes the one it made or took over.
 */
public final class NosuidBind {
    private static final Logger LOG = LoggerFactory.getLogger(NosuidBind.class);

    private final Mount mount;
    private Path bound;

    public NosuidBind(Mount mount) {
        this.mount = mount;
    }

    /** Makes {@code dir} (which exists) a nosuid,nodev mount; a failure is logged, the directory's mode still holds. */
    public synchronized void ensure(Path dir) {
        try {
            Path real = dir.toRealPath();
            boolean already = mount.table().stream().anyMatch(m -> m.mountPoint().equals(real));
            mount.bindNosuid(real, already);
            bound = real;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot make {} a nosuid,nodev mount (its mode 0700 still keeps host users out): {}", dir,
                    e.getMessage());
        }
    }

    /** Unmounts what {@link #ensure} made (lazily if an overlay still uses it). */
    public synchronized void release() {
        if (bound == null) {
            return;
        }
        try {
            mount.unmount(bound);
            bound = null;
        } catch (RuntimeException e) {
            LOG.warn("cannot unmount {}: {}", bound, e.getMessage());
        }
    }
}
