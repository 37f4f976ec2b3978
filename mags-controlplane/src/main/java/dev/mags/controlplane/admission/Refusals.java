package dev.mags.controlplane.admission;

import dev.mags.controlplane.admission.SandboxLedger.Totals;
import dev.mags.protocol.v2.SandboxLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The wording of admission's refusals: what the user holds, and what frees room. */
final class Refusals {
    private Refusals() {}

    /** "2 running a job, 1 kept alive after its script (-p: proj), 3 for jobs waiting to start". */
    static String breakdown(Totals t) {
        List<String> parts = new ArrayList<>();
        if (t.running() > 0) {
            parts.add(t.running() + " running a job");
        }
        if (t.kept() > 0) {
            parts.add(t.kept() + " kept alive after " + (t.kept() == 1 ? "its" : "their") + " script (-p"
                    + (t.keptWorkspaces().isEmpty() ? "" : ": " + String.join(", ", t.keptWorkspaces())) + ")");
        }
        if (t.waiting() > 0) {
            parts.add(t.waiting() + " for jobs waiting to start");
        }
        return parts.isEmpty() ? "no sandboxes" : String.join(", ", parts);
    }

    static String whatToDo(Totals t) {
        String example = t.keptWorkspaces().isEmpty() ? "NAME" : t.keptWorkspaces().getFirst();
        return t.kept() > 0
                ? "Stop a kept sandbox with `mags stop " + example + "`, or wait for running jobs to end."
                : "Wait for running jobs to end, or stop one with `mags stop ID`.";
    }

    static String lower(String sentence) {
        return Character.toLowerCase(sentence.charAt(0)) + sentence.substring(1);
    }

    static String bytes(long b) {
        if (b >= SandboxLimits.GIB) {
            return trim(String.format(Locale.ROOT, "%.2f", b / (double) SandboxLimits.GIB)) + " GiB";
        }
        return trim(String.format(Locale.ROOT, "%.1f", b / (double) SandboxLimits.MIB)) + " MiB";
    }

    static String cpus(long millis) {
        return trim(String.format(Locale.ROOT, "%.2f", millis / 1000.0));
    }

    private static String trim(String decimal) {
        return decimal.contains(".") ? decimal.replaceAll("0+$", "").replaceAll("\\.$", "") : decimal;
    }
}
