package dev.mags.storage.tree;

/**
 * Which extended attributes a snapshot keeps. Kept: {@code user.*}, file capabilities
 * ({@code security.capability}, e.g. ping's cap_net_raw) and POSIX ACLs. {@code trusted.overlay.opaque=y}
 * is recorded as the entry's opaque flag. Dropped: the other {@code trusted.overlay.*} attributes (origin,
 * impure, redirect point at the lower file system of one host and would be wrong on another) and SELinux labels.
 */
public final class XattrPolicy {
    public static final String OVERLAY_OPAQUE = "trusted.overlay.opaque";

    private XattrPolicy() {}

    public static boolean keep(String name) {
        return name.startsWith("user.")
                || name.equals("security.capability")
                || name.equals("system.posix_acl_access")
                || name.equals("system.posix_acl_default");
    }
}
