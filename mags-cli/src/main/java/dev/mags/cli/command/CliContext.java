package dev.mags.cli.command;

import dev.mags.cli.config.CliConfig;
import dev.mags.cli.config.CliEnvironment;
import dev.mags.cli.config.ConfigFile;
import dev.mags.cli.exec.Stdio;
import dev.mags.sdk.Mags;
import java.io.PrintWriter;
import java.net.URI;
import java.time.ZoneId;
import java.util.function.Supplier;

/**
 * Everything a command needs from the outside world, made once by the composition root
 * ({@code MagsMain}) and handed to each command's constructor, so that tests can supply their
 * own environment, writers, prompt and interrupt hooks.
 */
public record CliContext(
        CliEnvironment env,
        PrintWriter out,
        PrintWriter err,
        SecretPrompt prompt,
        InterruptHooks interrupts,
        Supplier<ZoneId> zones,
        Stdio stdio) {

    /** A context whose commands never copy bytes through the standard streams ({@link Stdio#none()}). */
    public CliContext(CliEnvironment env, PrintWriter out, PrintWriter err, SecretPrompt prompt,
            InterruptHooks interrupts, Supplier<ZoneId> zones) {
        this(env, out, err, prompt, interrupts, zones, Stdio.none());
    }

    /** The time zone to show times in; looked up on first use (loading the zone rules costs start-up time). */
    public ZoneId zone() {
        return zones.get();
    }

    public ConfigFile configFile() {
        return new ConfigFile(env.home());
    }

    /** The effective configuration: environment over {@code ~/.mags/config.json} over defaults. */
    public CliConfig config() {
        return CliConfig.resolve(env, configFile().load());
    }

    /** A client for the configured server; fails with the "no API token" message without a token. */
    public Mags openClient() {
        CliConfig config = config();
        return openClient(config.apiUrl(), config.requireToken());
    }

    public Mags openClient(URI apiUrl, String token) {
        try {
            return Mags.builder().baseUrl(apiUrl).token(token).build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.CONFIG);
        }
    }
}
