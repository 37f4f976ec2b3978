package dev.mags.agent.rootfs;

import java.nio.file.Path;

/** One line of {@code /proc/self/mountinfo}, unescaped. */
public record MountEntry(Path mountPoint, String fsType, String source) {}
