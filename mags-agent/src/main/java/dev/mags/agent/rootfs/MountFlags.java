package dev.mags.agent.rootfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A mount option string split as {@code mount(8)} splits it before calling mount(2): the options that are
 * flags of the mount itself ({@code nosuid}, {@code bind}, ...) become bits, the rest stays text for the
 * file system. Passed as text, a flag would be refused by the file system ("unknown option") or ignored.
 *
 * @param data the file system's own options, or null when there are none
 */
record MountFlags(long flags, String data) {
    private static final Map<String, Long> FLAGS = Map.of(
            "ro", 1L, // MS_RDONLY
            "nosuid", 2L, // MS_NOSUID
            "nodev", 4L, // MS_NODEV
            "noexec", 8L, // MS_NOEXEC
            "remount", 32L, // MS_REMOUNT
            "bind", 4096L); // MS_BIND

    static MountFlags of(String options) {
        long flags = 0;
        List<String> data = new ArrayList<>();
        for (String option : options == null ? new String[0] : options.split(",")) {
            Long flag = FLAGS.get(option);
            if (flag != null) {
                flags |= flag;
            } else if (!option.isEmpty()) {
                data.add(option);
            }
        }
        return new MountFlags(flags, data.isEmpty() ? null : String.join(",", data));
    }
}
