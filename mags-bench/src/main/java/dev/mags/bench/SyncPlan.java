package dev.mags.bench;

/**
 * The sizes of one workspace-sync measurement.
 *
 * @param bytes          plain bytes of the generated tree
 * @param files          regular files in it
 * @param unchanged      timed re-syncs of the unchanged tree
 * @param oneChanged     timed re-syncs with one (each time a different) file rewritten
 * @param restores       timed restores of the latest snapshot, each into a fresh directory; odd, so that the
 *                       median time and the median rate (nearest rank) are the same restore's
 * @param s3Objects      raw S3 objects put, then got, one at a time
 * @param s3ObjectBytes  size of each raw S3 object
 */
record SyncPlan(long bytes, int files, int unchanged, int oneChanged, int restores, int s3Objects, int s3ObjectBytes) {
    private static final long MIB = 1024 * 1024;

    SyncPlan {
        if (files < 1 || bytes < files || unchanged < 1 || oneChanged < 1 || oneChanged > files
                || restores < 1 || restores % 2 == 0 || s3Objects < 1 || s3ObjectBytes < 1) {
            throw new IllegalArgumentException("not a usable sync plan: " + bytes + " bytes in " + files + " files, "
                    + unchanged + "/" + oneChanged + "/" + restores + " runs, " + s3Objects + " S3 objects");
        }
    }

    /** The spec's size: 1 GiB in 10,000 files. */
    static SyncPlan full() {
        return new SyncPlan(1024 * MIB, 10_000, 10, 5, 5, 16, (int) (16 * MIB));
    }

    /** Small enough that the whole quick run stays under two minutes. */
    static SyncPlan quick() {
        return new SyncPlan(64 * MIB, 1_000, 5, 3, 3, 5, (int) (16 * MIB));
    }
}
