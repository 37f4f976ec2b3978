package dev.mags.agent.sandbox;

import java.util.Locale;

/** Byte counts written for people, in the messages that name a sandbox's limits. */
public final class ByteSizes {
    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private ByteSizes() {}

    /** {@code 1 GiB}, {@code 64 MiB}, {@code 1.5 GiB}, {@code 512 KiB}, {@code 100 bytes}. */
    public static String binary(long bytes) {
        if (bytes >= GIB) {
            return amount(bytes, GIB) + " GiB";
        }
        if (bytes >= MIB) {
            return amount(bytes, MIB) + " MiB";
        }
        if (bytes >= KIB) {
            return amount(bytes, KIB) + " KiB";
        }
        return bytes + " bytes";
    }

    /**
     * A disk limit in the unit users ask for it in ({@code disk_gb}, whole gigabytes of 2^30 bytes):
     * {@code 2 GB}; a size that is not a whole number of them as {@link #binary}.
     */
    public static String disk(long bytes) {
        return bytes > 0 && bytes % GIB == 0 ? bytes / GIB + " GB" : binary(bytes);
    }

    private static String amount(long bytes, long unit) {
        if (bytes % unit == 0) {
            return Long.toString(bytes / unit);
        }
        double value = (double) bytes / unit;
        String text = String.format(Locale.ROOT, "%.1f", value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }
}
