package dev.mags.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.bench.HostMemory.Proc;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which processes the memory figures count, on a process table shaped as magsd and runc leave it. */
class HostMemoryTest {
    private static final long MAGSD = 100;
    private static final String PARENT = "mags-bench-8080";

    private static String cgroupOf(String path) {
        return "12:memory:" + path + "\n11:pids:" + path + "\n";
    }

    @Test
    void countsMagsdsHelpersAndTheSandboxesOwnProcessesButNotTheWorkload() {
        List<Proc> table = List.of(
                new Proc(1, 0, cgroupOf("/"), "/sbin/init"),
                new Proc(MAGSD, 1, cgroupOf("/"), "java dev.mags.dist.MagsdMain serve"),
                new Proc(101, MAGSD, cgroupOf("/"), "slirp4netns --configure 200 tap0"),
                // The sandbox's init: runc leaves it to the host's init, not to magsd.
                new Proc(200, 1, cgroupOf("/" + PARENT + "/sb1"), "/.mags/busybox sh -c init mags-init"),
                new Proc(201, 200, cgroupOf("/" + PARENT + "/sb1"), "sh -c sleep infinity"),
                new Proc(202, 201, cgroupOf("/" + PARENT + "/sb1"), "sleep infinity"),
                new Proc(300, 1, cgroupOf("/"), "sleep infinity"),
                new Proc(400, 1, cgroupOf("/mags-bench-9090/sb2"), "/.mags/busybox sh -c init mags-init"));

        assertThat(HostMemory.sandboxProcesses(table, MAGSD, PARENT, "sleep infinity"))
                .containsExactlyInAnyOrder(101L, 200L, 201L);
    }

    @Test
    void aDescendantOfMagsdOutsideTheCgroupsCounts() {
        List<Proc> table = List.of(
                new Proc(MAGSD, 1, cgroupOf("/"), "java dev.mags.dist.MagsdMain serve"),
                new Proc(110, MAGSD, cgroupOf("/"), "runc --root /run/x exec --detach sb1"),
                new Proc(111, 110, cgroupOf("/"), "runc init"));

        assertThat(HostMemory.sandboxProcesses(table, MAGSD, PARENT, "sleep 600")).containsExactlyInAnyOrder(110L, 111L);
    }
}
