package dev.mags.agent.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileCapabilityTest {
    /** cap_net_bind_service=ep as setcap writes it: revision 2, effective flag, permitted bit 10. */
    private static final String V2_NET_BIND = "0100000200040000000000000000000000000000";

    private static FileCapability cap(String hex) {
        return new FileCapability("/img/bin/ping", HexFormat.of().parseHex(hex));
    }

    private static String hex(FileCapability cap) {
        return HexFormat.of().formatHex(cap.value());
    }

    @Test
    void revision2BecomesRevision3NamespacedToTheMappedRoot() {
        FileCapability shifted = cap(V2_NET_BIND).namespacedTo(100_000, 100_000);

        // magic 0x03000001, permitted 0x400, inheritable 0, high words 0, rootid 100000 (0x000186a0), little endian
        assertThat(hex(shifted)).isEqualTo("01000003" + "00040000" + "00000000".repeat(3) + "a0860100");
        assertThat(shifted.rootId()).isEqualTo(100_000);
        assertThat(shifted.permitted()).isEqualTo(1L << 10);
        assertThat(cap(V2_NET_BIND).rootId()).isZero();
    }

    @Test
    void keepsTheEffectiveFlagAndTheHighCapabilityWords() {
        // no effective flag; permitted CAP_BPF (39) lives in the high word
        FileCapability shifted = cap("0000000200000000000000008000000000000000").namespacedTo(100_000, 100_000);

        assertThat(hex(shifted)).startsWith("00000003");
        assertThat(shifted.permitted()).isEqualTo(1L << 39);
    }

    @Test
    void anAlreadyNamespacedCapabilityMovesWithTheOwner() {
        FileCapability v3 = cap(V2_NET_BIND).namespacedTo(1000, 0);

        assertThat(v3.namespacedTo(100_000, 100_000).rootId()).isEqualTo(101_000);
    }

    @Test
    void revision1IsUpgraded() {
        FileCapability shifted = cap("010000010004000000000000").namespacedTo(100_000, 100_000);

        assertThat(shifted.value()).hasSize(24);
        assertThat(shifted.permitted()).isEqualTo(1L << 10);
        assertThat(shifted.rootId()).isEqualTo(100_000);
    }

    @Test
    void refusesValuesItDoesNotUnderstand() {
        assertThatThrownBy(() -> cap("0100000200").namespacedTo(100_000, 100_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported security.capability value 0x0100000200 on /img/bin/ping");
        assertThatThrownBy(() -> cap("0100000900040000000000000000000000000000").namespacedTo(1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodesGetfattrsOctalEscapes() {
        assertThat(new FileCapability("/img/we\\134ird\\012name", new byte[0]).path()).isEqualTo(Path.of("/img/we\\ird\nname"));
        assertThat(new FileCapability("/img/a b", new byte[0]).path()).isEqualTo(Path.of("/img/a b"));
    }

    @Test
    void parsesAGetfattrDump() {
        String dump = "# file: /img/a b\nsecurity.capability=0x" + V2_NET_BIND + "\n\n"
                + "# file: /img/we\\134ird\nsecurity.capability=0x" + V2_NET_BIND + "\n\n";

        List<FileCapability> caps = FileCapabilities.parse(dump);

        assertThat(caps).extracting(FileCapability::dumpPath).containsExactly("/img/a b", "/img/we\\134ird");
        assertThat(caps.get(0).permitted()).isEqualTo(1L << 10);
        assertThat(FileCapabilities.parse("")).isEmpty();
    }

    @Test
    void readsWithoutFollowingLinksAndRestoresThroughADumpFile() throws Exception {
        FakeProcessLauncher launcher = new FakeProcessLauncher().respond(argv -> argv.get(0).equals("getfattr")
                ? FakeProcess.succeeds("# file: /img/ping\nsecurity.capability=0x" + V2_NET_BIND + "\n\n")
                : FakeProcess.succeeds(""));
        FileCapabilities capabilities = new FileCapabilities(new CommandRunner(launcher));

        List<FileCapability> caps = capabilities.read(Path.of("/img"));
        capabilities.write(caps);

        assertThat(launcher.started().get(0)).containsExactly("getfattr", "--recursive", "--physical", "--no-dereference",
                "--absolute-names", "--match=^security\\.capability$", "--encoding=hex", "--dump", "/img");
        assertThat(launcher.started().get(1)).startsWith("setfattr", "--no-dereference").hasSize(3);
        assertThat(launcher.started().get(1).get(2)).startsWith("--restore=");
        assertThat(caps).hasSize(1);
    }

    @Test
    void aMissingGetfattrSaysWhichPackageToInstall() {
        FileCapabilities capabilities = new FileCapabilities(new CommandRunner(new FakeProcessLauncher().respond(argv -> null)));

        assertThatThrownBy(() -> capabilities.read(Path.of("/img")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("install Debian's attr package (apt-get install attr)");
    }
}
