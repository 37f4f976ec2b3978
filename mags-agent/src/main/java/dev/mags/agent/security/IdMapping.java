package dev.mags.agent.security;

import java.util.ArrayList;
import java.util.List;

/**
 * The user namespace of every sandbox: user and group ids {@code 0 .. size-1} inside are host ids
 * {@code start .. start+size-1}, so root inside is host uid {@code start}, an unprivileged host user.
 *
 * <p>All sandboxes share one range, as Docker's userns-remap does. The base images' files must be
 * owned by the mapped ids for root inside to own them (a shifted base, see {@link IdShift}); with one
 * shared range, one shifted copy of an image serves every sandbox. A range per sandbox would need a
 * shifted copy of the image per sandbox (seconds and hundreds of MB for Debian) or idmapped mounts,
 * which runc 1.1.5 cannot set up. The price: sandboxes are not told apart by host uid, so what
 * separates them from each other is their own namespaces (pid, mount, network, ipc) and their
 * private, mode-0700 sandbox directories; what separates them from the host is that no process of
 * theirs is host root and every host file is foreign to them.
 *
 * @param start the host id of root inside; at least 65536, so that neither host root, system
 *     accounts nor regular users (1000 and up) fall into the range
 * @param size how many ids are mapped; Debian needs 65536 (nobody is 65534)
 */
public record IdMapping(long start, long size) {
    /** Docker's and the shadow suite's customary first subordinate id, and the full 16-bit range. */
    public static final IdMapping DEFAULT = new IdMapping(100_000, 65_536);
    /** Below this, host users and system accounts live. */
    public static final long MIN_START = 65_536;
    /** (uid_t) -1 is not an id; the last mapped id must stay below it. */
    private static final long ID_LIMIT = 0xFFFF_FFFFL;

    public IdMapping {
        List<String> problems = new ArrayList<>();
        if (start < MIN_START) {
            problems.add("the first mapped host id " + start + " must be at least " + MIN_START
                    + " so that sandbox root is never a host account");
        }
        if (size < 1) {
            problems.add("the number of mapped ids must be positive, not " + size);
        }
        if (start + size > ID_LIMIT) {
            problems.add("the mapped ids " + start + "+" + size + " pass the largest id " + (ID_LIMIT - 1));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid user namespace mapping: " + String.join("; ", problems));
        }
    }

    /** Whether {@code id} inside a sandbox has a host id. */
    public boolean mapsContainerId(long id) {
        return id >= 0 && id < size;
    }

    /** The host id of {@code id} inside a sandbox. */
    public long hostId(long id) {
        if (!mapsContainerId(id)) {
            throw new IllegalArgumentException("id " + id + " is outside the " + size + " ids a sandbox has");
        }
        return start + id;
    }

    @Override
    public String toString() {
        return "ids 0-" + (size - 1) + " -> host " + start + "-" + (start + size - 1);
    }
}
