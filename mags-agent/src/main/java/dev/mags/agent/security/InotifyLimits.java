package dev.mags.agent.security;

import java.util.ArrayList;
import java.util.List;

/**
 * How many inotify instances and watches one sandbox may hold, all its users together. The kernel
 * counts both per user at every level of user namespaces up to the host; without limits of their own,
 * all sandboxes would be counted against one host user, root, and share its limit
 * ({@code fs.inotify.max_user_instances}, 128 by default): one sandbox could take every instance of
 * the host. See {@link SandboxUserNamespaces} for where these are set.
 *
 * @param instances inotify instances ({@code inotify_init}); each is also an open file
 * @param watches watches over all instances ({@code inotify_add_watch}); each pins the inode it watches
 */
public record InotifyLimits(long instances, long watches) {
    /**
     * The kernel's own default per user, which programs are written for: a watching process mostly takes
     * one instance, so 128 of them can watch at once. About 1 KB of kernel memory each (measured).
     */
    public static final long DEFAULT_INSTANCES = 128;
    /**
     * One watch per directory or file a watcher follows (chokidar, webpack, an IDE's server): 65,536 covers
     * a large project with its {@code node_modules}. Each watch costs about 90 bytes of kernel memory
     * (measured) and keeps the watched inode in memory, both charged to the sandbox's memory cgroup: about
     * 6 MiB for the watches themselves at the limit.
     */
    public static final long DEFAULT_WATCHES = 65_536;
    public static final InotifyLimits DEFAULT = new InotifyLimits(DEFAULT_INSTANCES, DEFAULT_WATCHES);
    /** The kernel stores each limit in an int. */
    static final long MAX = Integer.MAX_VALUE;

    public InotifyLimits {
        List<String> problems = new ArrayList<>();
        if (instances < 1 || instances > MAX) {
            problems.add("inotify instances must be between 1 and " + MAX + ", not " + instances);
        }
        if (watches < 1 || watches > MAX) {
            problems.add("inotify watches must be between 1 and " + MAX + ", not " + watches);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    @Override
    public String toString() {
        return instances + " inotify instances, " + watches + " watches";
    }
}
