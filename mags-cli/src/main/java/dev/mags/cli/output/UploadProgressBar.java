package dev.mags.cli.output;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar of one file's upload, in MiB. */
public final class UploadProgressBar implements AutoCloseable {
    private static final long MIB = 1024 * 1024;
    private final ProgressBar bar;

    public UploadProgressBar(String name, long size, PrintStream terminal) {
        this.bar = new ProgressBarBuilder()
                .setTaskName("upload " + name)
                .setInitialMax(size)
                .setUnit(" MiB", MIB)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(terminal))
                .build();
    }

    public void sent(long bytes) {
        bar.stepTo(bytes);
    }

    @Override
    public void close() {
        bar.close();
    }
}
