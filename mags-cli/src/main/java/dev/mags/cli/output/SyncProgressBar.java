package dev.mags.cli.output;

import dev.mags.api.SyncProgressInfo;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar of a workspace sync, in MiB, fed with the server's progress reports. */
public final class SyncProgressBar implements AutoCloseable {
    private static final long MIB = 1024 * 1024;
    private final ProgressBar bar;

    public SyncProgressBar(String workspace, PrintStream terminal) {
        this.bar = new ProgressBarBuilder()
                .setTaskName("sync " + workspace)
                .setInitialMax(0)
                .setUnit(" MiB", MIB)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(terminal))
                .build();
    }

    public void update(SyncProgressInfo p) {
        if (p.bytesTotal() > 0) {
            bar.maxHint(p.bytesTotal());
        }
        bar.stepTo(p.bytesDone());
        bar.setExtraMessage(p.phase() + " " + p.filesDone() + "/" + p.filesTotal() + " files");
    }

    @Override
    public void close() {
        bar.close();
    }
}
