package dev.mags.controlplane.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.controlplane.error.BadRequestException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:30Z");

    private static Instant next(String expr, String zone, Instant after) {
        return CronSchedule.parse(expr, zone).nextAfter(after).orElseThrow();
    }

    @Test
    void standardFieldsGiveTheNextTimeStrictlyAfter() {
        assertThat(next("* * * * *", null, T)).isEqualTo("2026-03-01T10:01:00Z");
        assertThat(next("* * * * *", null, Instant.parse("2026-03-01T10:01:00Z"))).isEqualTo("2026-03-01T10:02:00Z");
        assertThat(next("0 0 * * *", null, T)).isEqualTo("2026-03-02T00:00:00Z");
        assertThat(next("*/15 9-17 * * MON-FRI", null, T)).isEqualTo("2026-03-02T09:00:00Z"); // the 1st is a Sunday
        assertThat(next("30 4 1,15 * *", null, T)).isEqualTo("2026-03-15T04:30:00Z");
        assertThat(next("0 12 * JUN 0", null, T)).isEqualTo("2026-06-07T12:00:00Z");
        assertThat(next("0 12 * * 7", null, T)).isEqualTo("2026-03-01T12:00:00Z");
    }

    @Test
    void aTimeZoneIsTheWallClockOfTheSchedule() {
        assertThat(next("0 9 * * *", "Europe/Paris", T)).isEqualTo("2026-03-02T08:00:00Z");
        // Summer time in Paris from 29 March 2026: 09:00 is then 07:00 UTC.
        assertThat(next("0 9 * * *", "Europe/Paris", Instant.parse("2026-04-01T00:00:00Z")))
                .isEqualTo("2026-04-01T07:00:00Z");
    }

    @Test
    void aBadFieldIsNamed() {
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", null)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("the minute field \"61\"").hasMessageContaining("0-59");
        assertThatThrownBy(() -> CronSchedule.parse("0 24 * * *", null)).hasMessageContaining("the hour field \"24\"");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 32 * *", null)).hasMessageContaining("day-of-month field");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 * 13 *", null)).hasMessageContaining("the month field");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 * * 8", null)).hasMessageContaining("day-of-week field");
        assertThatThrownBy(() -> CronSchedule.parse("a * * * *", null)).hasMessageContaining("minute field");
        assertThatThrownBy(() -> CronSchedule.parse("* * * *", null)).hasMessageContaining("5 fields");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 * * * *", null)).hasMessageContaining("5 fields");
        assertThatThrownBy(() -> CronSchedule.parse("@daily", null)).hasMessageContaining("5 fields");
        assertThatThrownBy(() -> CronSchedule.parse(" ", null)).hasMessageContaining("required");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 30 2 *", null)).hasMessageContaining("never");
        assertThatThrownBy(() -> CronSchedule.parse("* * * * *", "Nowhere/Else"))
                .hasMessageContaining("'timezone'");
    }

    @Test
    void theStoredFormHasSingleSpaces() {
        assertThat(CronSchedule.parse("  0   0 * *\t*  ", null).expression()).isEqualTo("0 0 * * *");
    }
}
