package dev.mags.cli;

import dev.mags.cli.command.CliContext;
import dev.mags.cli.command.InterruptHooks;
import dev.mags.cli.command.SecretPrompt;
import dev.mags.cli.config.CliEnvironment;
import dev.mags.sdk.FakeMagsServer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the CLI in-process as {@code main} would, against a fake server, with a temp home, its
 * own environment, captured stdout/stderr and scripted stdin. Times are shown in UTC.
 */
final class CliFixture implements AutoCloseable {
    record Result(int exit, String out, String err) {}

    final FakeMagsServer server = FakeMagsServer.start();
    final Path home;
    final Map<String, String> env = new HashMap<>();
    String stdin = "";
    InterruptHooks interrupts = action -> () -> { };

    /** Home is {@code home}; MAGS_API_URL points at the fake server; MAGS_API_TOKEN is "tok". */
    CliFixture(Path home) {
        this.home = home;
        env.put("HOME", home.toString());
        env.put("MAGS_API_URL", server.uri().toString());
        env.put("MAGS_API_TOKEN", "tok");
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err);
        CliContext ctx = new CliContext(
                CliEnvironment.from(env, "/nonexistent-user-home"),
                new PrintWriter(out),
                errWriter,
                SecretPrompt.fromStream(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), errWriter),
                interrupts,
                () -> ZoneOffset.UTC);
        int exit = MagsMain.run(args, ctx);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Accepts the job submission with request id {@code id}. */
    CliFixture acceptJobs(String id) {
        server.json("POST", "/api/v1/mags-jobs", 202, "{\"request_id\":\"" + id + "\",\"status\":\"accepted\"}");
        return this;
    }

    @Override
    public void close() {
        server.close();
    }
}
