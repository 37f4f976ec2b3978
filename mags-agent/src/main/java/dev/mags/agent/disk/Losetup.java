package dev.mags.agent.disk;

import dev.mags.agent.process.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loop devices: listed from sysfs ({@code /sys/block/loopN/loop/backing_file}, what
 * {@code losetup --list} shows, without running it) and detached with {@code losetup --detach}.
 * Sandbox disks are attached by {@code mount -o loop}, which sets auto-clear: the device normally
 * detaches itself when the file system is unmounted.
 */
public final class Losetup {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String DELETED = " (deleted)";

    private final CommandRunner runner;
    private final Path sysBlock;

    /** @param sysBlock normally {@code /sys/block}; a directory in tests */
    public Losetup(CommandRunner runner, Path sysBlock) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.sysBlock = Objects.requireNonNull(sysBlock, "sysBlock");
    }

    /** Every attached loop device. */
    public List<LoopDevice> list() {
        if (!Files.isDirectory(sysBlock)) {
            return List.of();
        }
        List<LoopDevice> devices = new ArrayList<>();
        try (Stream<Path> blocks = Files.list(sysBlock)) {
            for (Path block : blocks.filter(b -> b.getFileName().toString().startsWith("loop")).sorted().toList()) {
                String name = block.getFileName().toString();
                backingFile(name).ifPresent(file -> devices.add(new LoopDevice("/dev/" + name, file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + sysBlock, e);
        }
        return devices;
    }

    /** Attached devices whose backing file is at or below {@code dir}. */
    public List<LoopDevice> backedBelow(Path dir) {
        Path normalized = dir.toAbsolutePath().normalize();
        return list().stream().filter(d -> d.backingFile().startsWith(normalized)).toList();
    }

    /** The file behind {@code device} ({@code /dev/loop3} or {@code loop3}), or empty when it is not attached. */
    public Optional<Path> backingFile(String device) {
        String name = device.substring(device.lastIndexOf('/') + 1);
        try {
            String text = Files.readString(sysBlock.resolve(name).resolve("loop/backing_file"), StandardCharsets.UTF_8)
                    .strip();
            if (text.endsWith(DELETED)) {
                text = text.substring(0, text.length() - DELETED.length());
            }
            return text.isEmpty() ? Optional.empty() : Optional.of(Path.of(text));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // not a loop device, or not attached
        } catch (IOException e) {
            if (detachedWhileRead(name, e)) {
                return Optional.empty();
            }
            throw new UncheckedIOException("cannot read the backing file of " + device + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the read failed because the device was being detached meanwhile (its auto-clear at an unmount, ours
     * or another program's): sysfs then answers ENODEV for its attributes, and removes its {@code loop} directory.
     */
    private boolean detachedWhileRead(String name, IOException e) {
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        return "No such device".equals(reason) || !Files.isDirectory(sysBlock.resolve(name).resolve("loop"));
    }

    public static List<String> detachArgv(String device) {
        return List.of("losetup", "--detach", device);
    }

    /** Detaches {@code device}; if it is still in use the kernel detaches it when its last user goes. */
    public void detach(String device) {
        runner.run(detachArgv(device), TIMEOUT);
    }
}
