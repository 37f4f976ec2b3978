package dev.mags.cli;

import dev.mags.cli.command.CliContext;
import java.lang.reflect.Constructor;
import picocli.CommandLine;

/** Creates commands through their {@code (CliContext)} constructor; other classes picocli's way. */
final class CommandFactory implements CommandLine.IFactory {
    private final CliContext ctx;

    CommandFactory(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Constructor<K> withContext;
        try {
            withContext = type.getConstructor(CliContext.class);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(type);
        }
        return withContext.newInstance(ctx);
    }
}
