package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restored bases on the server's disk ({@code <data-dir>/bases/<user>/<workspace>/<snapshot>/}): a copy
 * lives while a sandbox runs on it or a fork on this server was made on it, is counted in the base
 * workspace's listing meanwhile, and is removed when nothing uses it any more, also when a crash left it.
 */
class BaseCopiesE2EIT {
    /** 3 MiB of files in the base: what its copy should count. */
    private static final long BASE_BYTES = 3L << 20;

    @TempDir
    Path tmp;

    private MagsdFixture magsd;
    private Map<String, String> env;
    private Api api;

    private MagsdFixture start(String... args) throws IOException {
        Files.createDirectories(tmp.resolve("home"));
        magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").with(args).start();
        env = magsd.cliEnv(tmp.resolve("home"));
        api = new Api(magsd.url(), magsd.adminToken());
        return magsd;
    }

    private Proc.Result ok(String... args) {
        Proc.Result r = Proc.run(env, Duration.ofMinutes(5), Repo.mags(), args);
        assertThat(r.exitCode()).as("mags %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.stdout(), r.stderr())
                .isZero();
        return r;
    }

    /** A persistent workspace with 3 MiB of files, synced: the base of the tests. */
    private void golden() {
        ok("run", "-w", "golden", "-p", "head -c " + BASE_BYTES + " /dev/urandom > /root/g");
        ok("stop", "golden");
    }

    /** Submits {@code script} as a job on the base (no workspace of its own); returns its id. */
    private String onTheBase(String script) {
        Api.Response r = api.post("/api/v1/mags-jobs", "{\"script\": \"" + script
                + "\", \"type\": \"inline\", \"base_workspace_id\": \"golden\"}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(202);
        return r.body().get("request_id").asText();
    }

    /** A job on the base that runs until stopped; returns its id once it runs. */
    private String longJobOnTheBase() throws Exception {
        String id = onTheBase("sleep 600");
        await(() -> api.get("/api/v1/mags-jobs/" + id + "/status").body().path("status").asText().equals("running"));
        return id;
    }

    @Test
    void aCopyLivesWhileASandboxRunsOnItIsCountedMeanwhileAndGoesWithTheLastOne() throws Exception {
        // Two jobs at once: a job holds its slot until its sandbox is released, base included, so a third
        // job starts only once the second one's sandbox has let go of the copy.
        try (MagsdFixture m = start("--max-concurrent-jobs", "2")) {
            golden();
            String holder = longJobOnTheBase();
            Path copy = theOnlyCopy();
            assertThat(copy.resolve("root/g")).hasSize(BASE_BYTES);
            assertThat(goldenListing().path("base_copy_bytes").asLong()).isEqualTo(BASE_BYTES);
            assertThat(ok("workspace", "list").stdout()).contains("3.0 MiB  3.0 MiB");

            for (int i = 0; i < 2; i++) {
                String shortJob = onTheBase("wc -c < /root/g");
                assertThat(api.awaitFinal(shortJob, Duration.ofMinutes(2)).path("status").asText()).isEqualTo("completed");
            }
            assertThat(copy).as("the long job still runs on it").isDirectory();
            assertThat(magsd.log().lines().filter(l -> l.contains("restored base ")))
                    .as("one restore served the three sandboxes").hasSize(1);

            api.post("/api/v1/mags-jobs/" + holder + "/stop", "{}");
            api.awaitFinal(holder, Duration.ofMinutes(2));
            await(() -> !Files.exists(copy)); // the sandbox is released after its job's end is reported
            assertThat(copies()).isEmpty();
            assertThat(goldenListing().path("base_copy_bytes").asLong()).isZero();

            ok("workspace", "delete", "golden");
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    @Test
    void aCopyACrashLeftIsRemovedByTheNextStart() throws Exception {
        try (MagsdFixture m = start()) {
            golden();
            longJobOnTheBase();
            Path copy = theOnlyCopy();

            magsd.crash();
            assertThat(copy).as("left by the crash").isDirectory();
            magsd.start();

            assertThat(copy).doesNotExist();
            assertThat(copies()).isEmpty();
            assertThat(magsd.log()).contains("removed 1 base copies no sandbox or workspace uses");

            ok("workspace", "delete", "golden");
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    @Test
    void aForksBaseIsKeptWhileTheForkIsOnTheServerAcrossRestartsAndGoesWithIt() throws Exception {
        try (MagsdFixture m = start()) {
            golden();
            ok("run", "--base", "golden", "-w", "fork", "-p", "echo forked > /root/f");
            Path copy = theOnlyCopy();
            ok("stop", "fork");
            assertThat(copy).as("the fork's next sandbox needs it").isDirectory();

            magsd.close();
            magsd.start();
            assertThat(copy).isDirectory();
            assertThat(goldenListing().path("base_copy_bytes").asLong()).isEqualTo(BASE_BYTES);
            assertThat(ok("run", "-w", "fork", "cat /root/f; wc -c < /root/g").stdout())
                    .isEqualTo("forked\n" + BASE_BYTES + "\n");

            ok("workspace", "delete", "fork");
            assertThat(copy).doesNotExist();
            assertThat(copies()).isEmpty();
            ok("workspace", "delete", "golden");
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    private JsonNode goldenListing() {
        Api.Response r = api.get("/api/v1/mags-workspaces/golden");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body();
    }

    private Path theOnlyCopy() throws IOException {
        List<Path> copies = copies();
        assertThat(copies).hasSize(1);
        return copies.getFirst();
    }

    /**
     * The restored copies: {@code bases/<user>/<workspace>/<snapshot>}; not what a removal renamed to
     * {@code bases/.removed-<uuid>} and is still deleting in the background.
     */
    private List<Path> copies() throws IOException {
        Path bases = magsd.dataDir.resolve("bases");
        try (Stream<Path> s = Files.walk(bases, 3)) {
            return s.map(bases::relativize)
                    .filter(p -> p.getNameCount() == 3)
                    .filter(p -> !p.getName(0).toString().startsWith(".") && !p.getFileName().toString().startsWith("."))
                    .map(bases::resolve)
                    .toList();
        }
    }

    /** Waits for what the server does after it has reported a job's end (the release of its sandbox). */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not so after 60 s");
            }
            Thread.sleep(50);
        }
    }
}
