package dev.mags.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine's floors on the same image: {@code runc run}, {@code runc exec} into a running
 * container, and bubblewrap, each on one overlay of the image that the harness mounts itself.
 * The bundle is what {@code runc spec} generates, so the floor is runc's own minimum.
 */
final class Floors implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Path rootfs;
    private final Path runcRoot;
    private boolean mounted;

    Floors(Path workDir, Path imageRootfs) {
        this.dir = workDir;
        this.rootfs = workDir.resolve("rootfs");
        this.runcRoot = workDir.resolve("runc");
        try {
            for (String d : List.of("upper", "work", "rootfs", "bundle")) {
                Files.createDirectories(workDir.resolve(d));
            }
            Sh.must("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + imageRootfs + ",upperdir="
                    + workDir.resolve("upper") + ",workdir=" + workDir.resolve("work"), rootfs.toString());
            mounted = true;
            writeBundle();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeBundle() throws IOException {
        Path bundle = dir.resolve("bundle");
        Sh.run(List.of("runc", "spec", "--bundle", bundle.toString())).orThrow(List.of("runc", "spec"));
        ObjectNode spec = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        ((ObjectNode) spec.get("root")).put("path", rootfs.toString()).put("readonly", false);
        ObjectNode process = (ObjectNode) spec.get("process");
        process.put("terminal", false);
        ArrayNode args = process.putArray("args");
        args.add("sleep").add("3600");
        // An explicit cgroup path keeps runc's controllers together and removable (see FACTS).
        ((ObjectNode) spec.get("linux")).put("cgroupsPath", "/mags-bench-floor/exec");
        JSON.writeValue(bundle.resolve("config.json").toFile(), spec);
    }

    private List<String> runc(String... args) {
        List<String> argv = new ArrayList<>(List.of("runc", "--root", runcRoot.toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** {@code runc run} of {@code echo hi}, whole: create, start, wait, delete. */
    List<Double> runcRun(int n) throws IOException {
        Path bundle = dir.resolve("bundle");
        ObjectNode spec = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        Path echoBundle = dir.resolve("bundle-echo");
        Files.createDirectories(echoBundle);
        ((ObjectNode) spec.get("process")).putArray("args").add("echo").add("hi");
        ((ObjectNode) spec.get("linux")).put("cgroupsPath", "/mags-bench-floor/run");
        JSON.writeValue(echoBundle.resolve("config.json").toFile(), spec);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> argv = runc("run", "--bundle", echoBundle.toString(), "floor-run-" + i);
            Sh.Result r = Sh.run(argv).orThrow(argv);
            ms.add(r.nanos() / 1e6);
        }
        return ms;
    }

    /** {@code runc exec echo hi} into a running container. */
    List<Double> runcExec(int n) {
        String id = "floor-exec";
        ProcessBuilder pb = new ProcessBuilder(runc("run", "--detach", "--bundle", dir.resolve("bundle").toString(), id))
                .redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            if (pb.start().waitFor() != 0) {
                throw new IllegalStateException("runc run --detach failed");
            }
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                List<String> argv = runc("exec", id, "echo", "hi");
                ms.add(Sh.run(argv).orThrow(argv).nanos() / 1e6);
            }
            return ms;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            Sh.run(runc("delete", "--force", id));
        }
    }

    /** bubblewrap with every namespace unshared, on the same overlay. */
    List<Double> bwrap(int n) {
        List<Double> ms = new ArrayList<>();
        List<String> argv = List.of("bwrap", "--bind", rootfs.toString(), "/", "--proc", "/proc", "--dev", "/dev",
                "--unshare-all", "--die-with-parent", "echo", "hi");
        for (int i = 0; i < n; i++) {
            ms.add(Sh.run(argv).orThrow(argv).nanos() / 1e6);
        }
        return ms;
    }

    @Override
    public void close() {
        if (mounted) {
            Sh.run(List.of("umount", rootfs.toString()));
            mounted = false;
        }
        for (String ctrl : List.of("cpu", "cpuacct", "memory", "pids", "blkio", "devices", "freezer", "cpuset",
                "net_cls", "perf_event", "hugetlb", "systemd", "unified")) {
            try {
                Files.deleteIfExists(Path.of("/sys/fs/cgroup", ctrl, "mags-bench-floor"));
            } catch (IOException ignored) {
                // absent or busy: nothing more to do
            }
        }
    }
}
