package dev.mags.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What magsd's commands accept, read from picocli itself: each (sub)command's flags and the environment variables
 * their defaults name ({@code ${env:MAGS_X:-...}}), and the variables bin/magsd's launcher and the logging setup read.
 * Deployment files are checked against these, so a renamed flag or variable fails the check.
 */
final class MagsdRoles {
    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:(MAGS_[A-Z0-9_]+)");
    private static final Pattern SHELL_VARIABLE = Pattern.compile("\\$\\{(MAGS_[A-Z0-9_]+)");

    /** A command, e.g. {@code agent} or {@code image build}, with its flags and environment variables. */
    record Role(String path, Set<String> flags, Set<String> variables) {}

    private final CommandLine root = new CommandLine(new MagsdMain());

    /**
     * The command that {@code args} (what follows {@code magsd}) runs: the longest chain of subcommand names at their
     * start; empty when the first word is no command.
     */
    Optional<Role> role(List<String> args) {
        CommandLine cmd = root;
        List<String> path = new ArrayList<>();
        for (String word : args) {
            CommandLine sub = cmd.getSubcommands().get(word);
            if (sub == null) {
                break;
            }
            cmd = sub;
            path.add(word);
        }
        return path.isEmpty() ? Optional.empty() : Optional.of(describe(String.join(" ", path), cmd.getCommandSpec()));
    }

    Role role(String path) {
        return role(List.of(path.split(" "))).filter(r -> r.path().equals(path))
                .orElseThrow(() -> new IllegalArgumentException("magsd has no command " + path));
    }

    /** Every variable any of magsd's commands reads. */
    Set<String> allVariables() throws IOException {
        Set<String> all = new TreeSet<>(processVariables());
        collect(root, all);
        return all;
    }

    private void collect(CommandLine cmd, Set<String> into) {
        into.addAll(describe("", cmd.getCommandSpec()).variables());
        cmd.getSubcommands().values().forEach(sub -> collect(sub, into));
    }

    /** Read by every command's process rather than by an option: bin/magsd's JVM settings, the log level. */
    static Set<String> processVariables() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path file : List.of(Repo.root().resolve("scripts/lib/java.sh"),
                Repo.root().resolve("mags-dist/src/main/resources/logback.xml"))) {
            Matcher m = SHELL_VARIABLE.matcher(Files.readString(file));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static Role describe(String path, CommandSpec spec) {
        // The variables are in the defaults as written; a fresh spec would otherwise hand them out resolved.
        spec.interpolateVariables(false);
        Set<String> flags = new TreeSet<>();
        Set<String> variables = new TreeSet<>();
        for (OptionSpec option : spec.options()) {
            flags.addAll(List.of(option.names()));
            String dflt = option.defaultValue();
            if (dflt != null) {
                Matcher m = ENV_DEFAULT.matcher(dflt);
                while (m.find()) {
                    variables.add(m.group(1));
                }
            }
        }
        return new Role(path, flags, variables);
    }
}
