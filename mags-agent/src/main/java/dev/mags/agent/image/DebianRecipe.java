package dev.mags.agent.image;

import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.rootfs.DirectoryTree;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The default image: Debian minbase with the languages and tools scripts usually want. Takes a
 * minute or two and needs the Debian mirror.
 */
public final class DebianRecipe implements RootfsRecipe {
    public static final String SUITE = "bookworm";
    public static final String MIRROR = "http://deb.debian.org/debian";
    public static final String SECURITY_MIRROR = "http://deb.debian.org/debian-security";
    public static final List<String> PACKAGES = List.of(
            "python3", "python3-pip", "nodejs", "npm", "git", "curl", "wget", "ca-certificates",
            "procps", "iproute2", "nano", "vim-tiny", "python-is-python3");
    /** Changes with what the recipe puts into the image, so that {@code image build --if-missing} rebuilds. */
    public static final String REVISION = "3 (apk, pip.conf, python, host CAs, vim)";

    private final Mmdebstrap mmdebstrap;
    private final String suite;
    private final List<String> sources;
    private final List<String> packages;
    private final UpdateCaCertificates hostCas;

    /** The recipe without the host's CA certificates. */
    public DebianRecipe(Mmdebstrap mmdebstrap) {
        this(mmdebstrap, SUITE, defaultSources(SUITE, MIRROR, SECURITY_MIRROR), PACKAGES, null);
    }

    /** The standard recipe: its images also trust the CA certificates the operator added to this host. */
    public static DebianRecipe withHostCas(Mmdebstrap mmdebstrap, CommandRunner runner) {
        return new DebianRecipe(mmdebstrap, SUITE, defaultSources(SUITE, MIRROR, SECURITY_MIRROR), PACKAGES,
                new UpdateCaCertificates(runner, UpdateCaCertificates.HOST_DIR));
    }

    DebianRecipe(Mmdebstrap mmdebstrap, String suite, List<String> sources, List<String> packages,
            UpdateCaCertificates hostCas) {
        this.mmdebstrap = mmdebstrap;
        this.suite = suite;
        this.sources = List.copyOf(sources);
        this.packages = List.copyOf(packages);
        this.hostCas = hostCas;
    }

    @Override
    public String revision() {
        return REVISION;
    }

    public static List<String> defaultSources(String suite, String mirror, String securityMirror) {
        return List.of(
                "deb " + mirror + " " + suite + " main",
                "deb " + mirror + " " + suite + "-updates main",
                "deb " + securityMirror + " " + suite + "-security main");
    }

    @Override
    public void populate(Path rootfs, PrintStream progress) throws IOException {
        progress.printf("  mmdebstrap %s with %s%n", suite, String.join(", ", packages));
        mmdebstrap.build(suite, rootfs, packages, sources, line -> progress.println("  " + line));
        if (hostCas != null) {
            hostCas.apply(rootfs, progress);
        }
        SeedCompat.write(rootfs, progress);
        cleanApt(rootfs);
        BaseEtc.writePlaceholders(rootfs);
        progress.println("  removed apt caches and lists; wrote placeholders for hostname, hosts, resolv.conf");
    }

    /** Package lists and downloaded .debs are hundreds of MB no sandbox needs; apt update restores them. */
    static void cleanApt(Path rootfs) throws IOException {
        emptyDirectory(rootfs.resolve("var/lib/apt/lists"));
        emptyDirectory(rootfs.resolve("var/cache/apt"));
    }

    /** Deletes what is inside {@code dir} but keeps the directories apt expects ({@code partial}, {@code archives}). */
    private static void emptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && (name.equals("partial") || name.equals("archives"))) {
                    emptyDirectory(child);
                } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    DirectoryTree.delete(child);
                } else if (!name.equals("lock")) {
                    Files.delete(child);
                }
            }
        }
    }
}
