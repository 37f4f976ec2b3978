package dev.mags.controlplane.files;

import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs {@link UploadedFiles#reap()} at start and every ten minutes. */
public final class FileReaper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileReaper.class);
    private static final long PERIOD_MINUTES = 10;

    private final UploadedFiles files;
    private ScheduledExecutorService timer;
    private volatile BooleanSupplier leads = () -> true;

    public FileReaper(UploadedFiles files) {
        this.files = files;
    }

    /** Reaps now and then every 10 minutes, while {@code leads} (one process of a cluster reaps). */
    public synchronized void start(BooleanSupplier leads) {
        this.leads = leads;
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("file-reaper").daemon().factory());
        timer.scheduleWithFixedDelay(this::reapQuietly, 0, PERIOD_MINUTES, TimeUnit.MINUTES);
    }

    private void reapQuietly() {
        if (!leads.getAsBoolean()) {
            return;
        }
        try {
            int removed = files.reap();
            if (removed > 0) {
                LOG.info("removed {} uploaded files unused for {}", removed, files.limits().retention());
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot remove expired uploaded files now: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
