package dev.mags.agent.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Starts real processes through {@link ProcessBuilder}. */
final class SystemProcessLauncher implements ProcessLauncher {
    static final SystemProcessLauncher INSTANCE = new SystemProcessLauncher();

    private static final File DEV_NULL = new File("/dev/null");

    private SystemProcessLauncher() {}

    @Override
    public Process start(List<String> argv) throws IOException {
        // The JDK closes every other descriptor in the child, so one sandbox's pipes never leak
        // into another sandbox's runtime process (which would delay its readers' EOF).
        return new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .start();
    }

    @Override
    public Process startWithInput(List<String> argv) throws IOException {
        return new ProcessBuilder(argv).start();
    }

    @Override
    public Process startWritingTo(List<String> argv, Path output) throws IOException {
        ProcessBuilder.Redirect append = ProcessBuilder.Redirect.appendTo(output.toFile());
        return new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(append)
                .redirectError(append)
                .start();
    }
}
