package dev.mags.controlplane.cron;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.mags.controlplane.error.BadRequestException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A standard 5-field cron expression (minute hour day-of-month month day-of-week, as crontab(5)) in a time
 * zone, parsed with cron-utils. A bad expression is refused naming the field that is wrong, as a user
 * fixes one field at a time.
 */
public final class CronSchedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final List<String> FIELDS = List.of("minute", "hour", "day-of-month", "month", "day-of-week");
    private static final List<String> RANGES = List.of("0-59", "0-23", "1-31", "1-12 or JAN-DEC", "0-7 or SUN-SAT");
    private static final int MAX_CHARS = 256;
    private static final ZoneId UTC = ZoneId.of("UTC");

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime times;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime times) {
        this.expression = expression;
        this.zone = zone;
        this.times = times;
    }

    /** Parses {@code expression} in {@code timezone} (null: UTC); 400 naming the field or the zone otherwise. */
    public static CronSchedule parse(String expression, String timezone) {
        ZoneId zone = zone(timezone);
        if (expression == null || expression.isBlank()) {
            throw invalid("'cron_expression' is required: 5 fields, minute hour day-of-month month day-of-week "
                    + "(e.g. \"0 0 * * *\" for every day at midnight)");
        }
        String expr = expression.strip();
        if (expr.length() > MAX_CHARS) {
            throw invalid("'cron_expression' is longer than " + MAX_CHARS + " characters");
        }
        String[] fields = expr.split("\\s+");
        if (fields.length != FIELDS.size()) {
            throw invalid("'cron_expression' must have 5 fields (minute hour day-of-month month day-of-week), got "
                    + fields.length + " in \"" + expr + "\"");
        }
        for (int i = 0; i < fields.length; i++) {
            checkField(fields, i);
        }
        Cron cron;
        try {
            cron = PARSER.parse(String.join(" ", fields)).validate();
        } catch (IllegalArgumentException e) {
            throw invalid("'cron_expression' \"" + expr + "\" is not valid: " + e.getMessage());
        }
        CronSchedule schedule = new CronSchedule(String.join(" ", fields), zone, ExecutionTime.forCron(cron));
        if (schedule.nextAfter(Instant.EPOCH).isEmpty()) {
            throw invalid("'cron_expression' \"" + expr + "\" never matches a date (check day-of-month against month)");
        }
        return schedule;
    }

    /** Parses field {@code i} on its own (the others as '*'), so that an error names the field. */
    private static void checkField(String[] fields, int i) {
        String[] alone = {"*", "*", "*", "*", "*"};
        alone[i] = fields[i];
        try {
            PARSER.parse(String.join(" ", alone)).validate();
        } catch (IllegalArgumentException e) {
            throw invalid("'cron_expression': the " + FIELDS.get(i) + " field \"" + fields[i] + "\" is not valid ("
                    + e.getMessage() + "); it takes " + RANGES.get(i)
                    + ", '*', lists (1,2), ranges (1-5) and steps (*/5)");
        }
    }

    private static ZoneId zone(String timezone) {
        if (timezone == null) {
            return UTC;
        }
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new BadRequestException("invalid_field", "'timezone' \"" + timezone
                    + "\" is not a time zone; use an IANA name such as \"Europe/Paris\" or \"UTC\"");
        }
    }

    private static BadRequestException invalid(String message) {
        return new BadRequestException("invalid_cron_expression", message);
    }

    /** The first scheduled time strictly after {@code after}; empty if there is none. */
    public Optional<Instant> nextAfter(Instant after) {
        return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }

    /** The expression as stored: its fields separated by one space. */
    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }
}
