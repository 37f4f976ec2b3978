package dev.mags.cli.command;

import dev.mags.api.CronJobInfo;
import dev.mags.sdk.Mags;
import java.util.List;

/** Finds one of the caller's cron jobs by id or by name, as the cron commands take either. */
final class CronTarget {
    private CronTarget() {}

    static CronJobInfo find(Mags mags, String idOrName) {
        List<CronJobInfo> all = mags.cronList().cronJobs();
        return all.stream().filter(c -> c.id().equals(idOrName)).findFirst()
                .or(() -> all.stream().filter(c -> c.name().equals(idOrName)).findFirst())
                .orElseThrow(() -> new CliException("no cron job with id or name '" + idOrName
                        + "'; mags cron list shows yours", 1));
    }
}
