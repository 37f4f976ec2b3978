package dev.mags.agent;

import dev.mags.agent.network.NetworkReaper;
import dev.mags.agent.network.SandboxNetwork;
import dev.mags.agent.cgroup.CgroupTree;
import dev.mags.agent.disk.Losetup;
import dev.mags.agent.disk.Mkfs;
import dev.mags.agent.disk.SandboxDisk;
import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.OrphanReaper;
import dev.mags.agent.process.ProcessLauncher;
import dev.mags.agent.rootfs.KernelMountCalls;
import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.rootfs.ProgramMountCalls;
import dev.mags.agent.runtime.Runc;
import dev.mags.agent.security.ReadyUserNamespaces;
import dev.mags.agent.security.SandboxUserNamespaces;
import java.nio.file.Path;

/**
 * The agent's ways into the host: how processes start, where the cgroup hierarchies, the mount
 * table, the block devices and the processes ({@code /proc}) are. The real host in production; fakes and
 * temp directories in unit tests.
 */
public record HostAccess(ProcessLauncher launcher, Path cgroupRoot, Path mountInfo, Path sysBlock, Path proc,
        boolean kernelMounts) {

    /** A host whose overlays and unmounts go through the mount programs (which unit tests fake). */
    public HostAccess(ProcessLauncher launcher, Path cgroupRoot, Path mountInfo, Path sysBlock, Path proc) {
        this(launcher, cgroupRoot, mountInfo, sysBlock, proc, false);
    }

    /** The real host: overlays and unmounts are the kernel's calls, made from this process. */
    public static HostAccess system() {
        return new HostAccess(ProcessLauncher.system(), Path.of("/sys/fs/cgroup"), Path.of("/proc/self/mountinfo"),
                Path.of("/sys/block"), Path.of("/proc"), true);
    }

    CommandRunner runner() {
        return new CommandRunner(launcher);
    }

    Runc runc(AgentConfig config) {
        return new Runc(runner(), config.runtimeBinary(), config.runtimeRoot());
    }

    Mount mount() {
        CommandRunner runner = runner();
        return new Mount(kernelMounts ? KernelMountCalls.load() : new ProgramMountCalls(runner), mountInfo);
    }

    Losetup losetup() {
        return new Losetup(runner(), sysBlock);
    }

    /**
     * Disks; with {@code templatesDir}, sandbox disks are copies of a template formatted once per size.
     * Public for the benchmark, which restores workspaces onto disks made as the agent makes them.
     */
    public SandboxDisk disk(Path templatesDir) {
        return new SandboxDisk(new Mkfs(runner()), mount(), losetup(), templatesDir);
    }

    SandboxNetwork network(AgentConfig config) {
        return new SandboxNetwork(runner(), config.egress());
    }

    /** Each sandbox's user namespace, below one of its own with its inotify limits; one made ahead. */
    ReadyUserNamespaces userNamespaces(AgentConfig config) {
        return new ReadyUserNamespaces(new SandboxUserNamespaces(launcher, config.initBinary(), config.idMapping(),
                config.inotify(), proc, SandboxUserNamespaces.TIMEOUT), 1);
    }

    /** The host's inotify limits for root, raised to hold every sandbox's share. */
    HostInotifyLimits inotifyLimits(AgentConfig config) {
        return new HostInotifyLimits(proc.resolve("sys"), config.inotify());
    }

    /**
     * On the real host, this process made the reaper of what the runtime leaves behind (a sandbox's init, each
     * exec's process); none on a fake host, whose processes are not real.
     */
    java.util.Optional<OrphanReaper> orphanReaper() {
        return kernelMounts ? java.util.Optional.of(OrphanReaper.adopt()) : java.util.Optional.empty();
    }

    NetworkReaper networkReaper() {
        return new NetworkReaper();
    }

    CgroupTree cgroups() {
        return new CgroupTree(cgroupRoot);
    }
}
