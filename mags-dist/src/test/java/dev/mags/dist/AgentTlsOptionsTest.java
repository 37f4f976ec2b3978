package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.testkit.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code magsd agent --tls-cert/--tls-key} and {@code magsd control-plane --agent-ca} as an operator types them: the
 * agent advertises an https URL, and a half-given or mismatched setting is refused saying what to give.
 */
class AgentTlsOptionsTest {
    @TempDir
    Path dir;
    private SelfSignedCertificate certificate;
    private Path secret;

    @BeforeEach
    void files() throws Exception {
        certificate = SelfSignedCertificate.create(dir, "agent", "DNS:agent-1.example");
        secret = Files.writeString(dir.resolve("secret"), "a-cluster-secret-0123456789");
    }

    private AgentNodeConfig agent(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("agent", "--data-dir", dir.resolve("data").toString(),
                "--control-plane", "https://mags.example", "--agent-secret-file", secret.toString(), "--s3-endpoint",
                "http://s3.example:9000", "--s3-access-key", "k", "--s3-secret-key", "s", "--listen",
                "agent-1.example:7070"));
        args.addAll(List.of(extra));
        CommandLine cli = new CommandLine(new MagsdMain());
        CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
        return ((AgentCommand) parsed.subcommand().commandSpec().userObject()).config();
    }

    @Test
    void anAgentWithACertificateAdvertisesHttps() throws Exception {
        AgentNodeConfig cfg = agent("--tls-cert", certificate.certificate().toString(), "--tls-key",
                certificate.key().toString(), "--control-plane-ca", certificate.certificate().toString());

        assertThat(cfg.advertise()).hasToString("https://agent-1.example:7070");
        assertThat(cfg.tls()).isNotNull();
        assertThat(cfg.controlPlaneCa()).isNotNull();
        assertThat(agent().advertise()).hasToString("http://agent-1.example:7070");
    }

    @Test
    void halfGivenOrMismatchedSettingsAreRefusedSayingWhatToGive() {
        assertThatThrownBy(() -> agent("--tls-cert", certificate.certificate().toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tls-key");
        assertThatThrownBy(() -> agent("--tls-cert", certificate.certificate().toString(), "--tls-key",
                certificate.key().toString(), "--advertise-url", "http://agent-1.example:7070"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("advertise an https:// URL");
        assertThatThrownBy(() -> agent("--advertise-url", "https://agent-1.example:7070"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tls-cert and --tls-key");
        assertThatThrownBy(() -> agent("--tls-cert", certificate.key().toString(), "--tls-key",
                certificate.key().toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PEM certificate");
    }
}
