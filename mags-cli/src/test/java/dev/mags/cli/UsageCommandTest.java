package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mags usage: what it asks for and the table it prints. */
class UsageCommandTest {
    private static final String USAGE = """
            {"window_days": 2, "total_jobs": 5, "vm_seconds": 125.5, "sandbox_hours": 0.04, "cpu_seconds": 12.25,
             "memory_gib_hours": 0.04, "memory_peak_bytes": 104857600,
             "storage": {"files_bytes": 2048, "workspaces_bytes": 1048576},
             "days": [{"date": "2026-12-05", "jobs": 2, "vm_seconds": 5.5, "sandbox_hours": 0.01, "cpu_seconds": 2.0,
                       "memory_gib_hours": 0.01},
                      {"date": "2026-12-06", "jobs": 3, "vm_seconds": 120.0, "sandbox_hours": 0.03, "cpu_seconds": 10.25,
                       "memory_gib_hours": 0.03}]}""";

    @TempDir
    Path home;

    private CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(home);
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    @Test
    void usagePrintsADayPerLineAndTheTotal() {
        cli.server.json("GET", "/api/v1/mags-usage", 200, USAGE);

        CliFixture.Result r = cli.run("usage", "--days", "2");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(cli.server.single("GET", "/api/v1/mags-usage").queryParams()).containsEntry("window_days", "2");
        assertThat(r.out()).contains("DATE").contains("2026-12-05").contains("2026-12-06").contains("2.0m")
                .contains("10.250").contains("total").contains("12.250");
        assertThat(r.out()).contains("peak memory of one sandbox: 100.0 MiB");
    }

    @Test
    void aWindowOutOfRangeIsAUsageError() {
        CliFixture.Result r = cli.run("usage", "--days", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--days");
        assertThat(cli.server.requests()).isEmpty();
    }
}
