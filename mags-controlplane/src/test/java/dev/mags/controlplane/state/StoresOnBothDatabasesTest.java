package dev.mags.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.api.LogSource;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Where SQLite and PostgreSQL differ and a user would see it: text PostgreSQL cannot hold, the order of names
 * (PostgreSQL sorts by the database's locale; the test cluster's is ICU en-US), sums past 32 bits (PostgreSQL's
 * SUM of BIGINT is NUMERIC).
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class StoresOnBothDatabasesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    private StateFixture state;

    @BeforeEach
    void open() {
        state = new StateFixture(dir, backend);
    }

    @AfterEach
    void close() {
        state.close();
    }

    @Test
    void anOutputLineWithANulCharacterIsKeptWithTheReplacementCharacter() {
        String job = state.job(state.user("alice"), T0);
        OutputChunk.Builder b = new OutputChunk.Builder(1, T0.toEpochMilli());
        b.add(LogSource.STDOUT, T0.toEpochMilli(), "before\0after");
        b.add(LogSource.STDERR, T0.toEpochMilli() + 5, "next");
        state.logs.append(job, b.build(), -1);

        assertThat(state.logs.read(job, 0, Long.MAX_VALUE).entries()).extracting(e -> e.message())
                .containsExactly("before\uFFFDafter", "next");
        assertThat(state.logs.tail(job).bytes()).isEqualTo("o0 before\uFFFDafter\ne5 next\n".getBytes(
                java.nio.charset.StandardCharsets.UTF_8).length);
    }

    @Test
    void namesAreListedInTheOrderOfTheirBytesOnBoth() {
        for (String name : List.of("beta1", "Zed", "alpha", "beta-2", "_x")) {
            state.user(name);
        }
        UserStore users = new UserStore(state.db.jdbi());
        assertThat(users.accounts()).extracting(a -> a.user().name()).containsExactly("Zed", "_x", "alpha", "beta-2", "beta1");

        String alice = users.findByName("alpha").orElseThrow().id();
        WorkspaceStore workspaces = new WorkspaceStore(state.db.jdbi());
        for (String name : List.of("web", "Web", "api-2", "api1", "API")) {
            workspaces.touch(alice, name, "key-" + name, T0);
        }
        assertThat(workspaces.list(alice)).extracting(WorkspaceRecord::name)
                .containsExactly("API", "Web", "api-2", "api1", "web");
    }

    @Test
    void outputTotalsPastFourGibibytesAreCountedExactly() {
        String alice = state.user("alice");
        long big = 3_000_000_001L;
        for (int i = 0; i < 2; i++) {
            String job = state.finishedJob(alice, T0.plusSeconds(i));
            state.db.jdbi().useHandle(h -> h.createUpdate("UPDATE jobs SET output_bytes = :b WHERE id = :id")
                    .bind("b", big).bind("id", job).execute());
        }
        JobStore.KeptOutputTotals totals = state.jobs.keptOutputTotals(5_000_000_000L);
        assertThat(totals.usersOver()).containsExactly(java.util.Map.entry(alice, 2 * big));
        assertThat(totals.total()).isEqualTo(2 * big);
        assertThat(state.jobs.keptOutputBytes()).isEqualTo(2 * big);
        assertThat(state.jobs.oldestKeptOutput(alice, 10)).extracting(JobStore.KeptOutput::bytes)
                .containsExactly(big, big);
    }
}
