package dev.mags.controlplane.usage;

import dev.mags.api.Usage;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.state.FileStore;
import dev.mags.controlplane.state.UsageStore;
import dev.mags.controlplane.workspace.StoredWorkspaceInfo;
import dev.mags.controlplane.workspace.WorkspaceCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Usage summaries: job counts and times from the jobs, CPU time and peak memory from what the sandboxes' cgroups
 * counted (recorded as each ended, {@link SandboxUsageRecorder}), reserved memory as limit times life, storage
 * from the files and the workspace catalog. Days are UTC; the window is the last {@code windowDays} days,
 * today included.
 */
public final class UsageService {
    public static final int MAX_WINDOW_DAYS = 366;
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final UsageStore store;
    private final FileStore files;
    private final WorkspaceCatalog catalog;
    private final Clock clock;

    public UsageService(UsageStore store, FileStore files, WorkspaceCatalog catalog, Clock clock) {
        this.store = store;
        this.files = files;
        this.catalog = catalog;
        this.clock = clock;
    }

    public Usage usage(String userId, Integer windowDays) {
        int n = windowDays == null ? 30 : windowDays;
        if (n < 1 || n > MAX_WINDOW_DAYS) {
            throw new BadRequestException("invalid_field", "'window_days' must be between 1 and " + MAX_WINDOW_DAYS
                    + " (got " + n + ")");
        }
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = today.minusDays(n - 1L);
        Instant from = first.atStartOfDay(ZoneOffset.UTC).toInstant();
        List<DayTotals> days = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            days.add(new DayTotals(first.plusDays(i)));
        }
        long totalJobs = 0;
        double vm = 0;
        for (UsageStore.JobTimes j : store.jobs(userId, from, now)) {
            if (!j.createdAt().isBefore(from)) {
                totalJobs++;
                day(days, first, j.createdAt()).jobs++;
            }
            if (j.startedAt() != null) {
                Instant end = j.finishedAt() == null ? now : j.finishedAt();
                vm += spread(days, first, j.startedAt(), end, from, now, (d, seconds) -> d.vmSeconds += seconds);
            }
        }
        double sandboxSeconds = 0;
        double cpu = 0;
        double gibHours = 0;
        long peak = 0;
        for (UsageStore.SandboxRow s : store.sandboxes(userId, from, now.plusMillis(1))) {
            double life = Math.max(0, Duration.between(s.startedAt(), s.endedAt()).toMillis() / 1000.0);
            double sandboxCpu = s.cpuMicros() / 1e6;
            double reserved = s.memoryLimitBytes() / GIB * life / 3600;
            DayTotals d = day(days, first, s.endedAt());
            d.sandboxSeconds += life;
            d.cpuSeconds += sandboxCpu;
            d.memoryGibHours += reserved;
            sandboxSeconds += life;
            cpu += sandboxCpu;
            gibHours += reserved;
            peak = Math.max(peak, s.memoryPeakBytes());
        }
        long workspaceBytes = catalog.storedWorkspaces(userId).stream().mapToLong(StoredWorkspaceInfo::bytes).sum();
        return new Usage(n, totalJobs, round(vm), round(sandboxSeconds / 3600), round(cpu), round(gibHours), peak,
                new Usage.Storage(files.totalBytes(userId), workspaceBytes),
                days.stream().map(DayTotals::view).toList());
    }

    /** Adds the seconds of [start, end) within [from, to) to each day they fall on; the total added. */
    private static double spread(List<DayTotals> days, LocalDate first, Instant start, Instant end, Instant from,
            Instant to, DayAdder add) {
        Instant a = start.isBefore(from) ? from : start;
        Instant b = end.isAfter(to) ? to : end;
        double total = 0;
        while (a.isBefore(b)) {
            Instant nextDay = LocalDate.ofInstant(a, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant stop = nextDay.isBefore(b) ? nextDay : b;
            double seconds = Duration.between(a, stop).toMillis() / 1000.0;
            add.add(day(days, first, a), seconds);
            total += seconds;
            a = stop;
        }
        return total;
    }

    private interface DayAdder {
        void add(DayTotals day, double seconds);
    }

    private static DayTotals day(List<DayTotals> days, LocalDate first, Instant at) {
        long i = LocalDate.ofInstant(at, ZoneOffset.UTC).toEpochDay() - first.toEpochDay();
        return days.get((int) Math.max(0, Math.min(days.size() - 1, i)));
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static final class DayTotals {
        final LocalDate date;
        long jobs;
        double vmSeconds;
        double sandboxSeconds;
        double cpuSeconds;
        double memoryGibHours;

        DayTotals(LocalDate date) {
            this.date = date;
        }

        Usage.Day view() {
            return new Usage.Day(date, jobs, round(vmSeconds), round(sandboxSeconds / 3600), round(cpuSeconds),
                    round(memoryGibHours));
        }
    }
}
