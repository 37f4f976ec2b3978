package dev.mags.agent.disk;

import java.nio.file.Path;

/**
 * An attached loop device and the file behind it.
 *
 * @param backingFile as the kernel reports it; a file deleted while attached still shows its old path
 */
public record LoopDevice(String device, Path backingFile) {}
