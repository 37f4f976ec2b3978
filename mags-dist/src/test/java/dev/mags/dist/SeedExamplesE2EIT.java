package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's examples, written for its Alpine image, typed as they are into a sandbox of the debian
 * image: {@code apk add} through the image's apk (Debian's packages, from Debian's mirror), npm's registry,
 * {@code pip install} as root, and {@code python}. The registries' addresses are looked up here and allowed
 * out of the sandbox ({@code --egress-allow}): on machines whose resolver answers private or documentation
 * addresses for them, the default egress policy would refuse them.
 */
class SeedExamplesE2EIT {
    @TempDir
    Path tmp;

    private static String registries() throws Exception {
        TreeSet<String> cidrs = new TreeSet<>();
        for (String host : new String[] {"deb.debian.org", "registry.npmjs.org"}) {
            Arrays.stream(InetAddress.getAllByName(host)).filter(a -> a.getAddress().length == 4)
                    .forEach(a -> cidrs.add(a.getHostAddress() + "/32"));
        }
        return cidrs.stream().collect(Collectors.joining(","));
    }

    @Test
    void theSeedsExamplesRunAsTyped() throws Exception {
        Path images = TestImages.debian();
        Files.createDirectories(tmp.resolve("home"));
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), images, "debian")
                .with("--egress-allow", registries()).start()) {
            Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));

            Proc.Result tsc = Proc.run(env, Duration.ofMinutes(10), Repo.mags(), "run", "--memory", "2048",
                    "apk add nodejs npm && npm install -g typescript && tsc --version");
            assertThat(tsc.exitCode()).as(tsc.stdout() + tsc.stderr()).isZero();
            assertThat(tsc.stdout()).containsPattern("(?m)^Version \\d+\\.\\d+\\.\\d+$");
            assertThat(tsc.stderr()).contains("apk: this image is Debian: apt-get install nodejs npm");

            Proc.Result py3 = Proc.run(env, Duration.ofMinutes(10), Repo.mags(), "run",
                    "apk add py3-six && python3 -c 'import six; print(six.__name__)'");
            assertThat(py3.exitCode()).as(py3.stdout() + py3.stderr()).isZero();
            assertThat(py3.stdout()).isEqualTo("six\n");
            assertThat(py3.stderr()).contains("apt-get install python3-six (python3-six for py3-six)");

            // pip as root into the sandbox's own Python (Debian's pip refuses that unless configured), from a
            // package made in the sandbox: the Python package index is not among the registries reached here.
            Proc.Result pip = Proc.run(env, Duration.ofMinutes(5), Repo.mags(), "run", String.join(" && ",
                    "mkdir -p /tmp/hello && cd /tmp/hello",
                    "printf 'from setuptools import setup\\nsetup(name=\"hello-mags\", version=\"1.0\", "
                            + "py_modules=[\"hello_mags\"])\\n' > setup.py",
                    "echo 'def hi(): return \"hi from pip\"' > hello_mags.py",
                    "pip install --no-index --no-build-isolation . > /dev/null",
                    "cd / && python -c 'import hello_mags; print(hello_mags.hi())'",
                    "pip show hello-mags | head -1"));
            assertThat(pip.exitCode()).as(pip.stdout() + pip.stderr()).isZero();
            assertThat(pip.stdout()).isEqualTo("hi from pip\nName: hello-mags\n");

            Proc.Result python = Proc.run(env, Duration.ofSeconds(60), Repo.mags(), "run", "python -c 'print(1)'");
            assertThat(python.exitCode()).as(python.stderr()).isZero();
            assertThat(python.stdout()).isEqualTo("1\n");
        }
    }
}
