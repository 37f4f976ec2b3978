package dev.mags.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One measured figure: n samples summarised by percentiles (nearest rank) and extremes. A ratio or
 * a rate keeps its median in {@code p50}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Figure(
        @JsonProperty("unit") String unit,
        @JsonProperty("n") int n,
        @JsonProperty("p50") double p50,
        @JsonProperty("p95") double p95,
        @JsonProperty("p99") double p99,
        @JsonProperty("min") Double min,
        @JsonProperty("max") Double max) {

    static Figure of(String unit, List<Double> samples) {
        if (samples.isEmpty()) {
            return new Figure(unit, 0, Double.NaN, Double.NaN, Double.NaN, null, null);
        }
        double[] s = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Figure(unit, s.length, round(rank(s, 50)), round(rank(s, 95)), round(rank(s, 99)),
                round(s[0]), round(s[s.length - 1]));
    }

    /** A single value (a count, a rate measured once). */
    static Figure single(String unit, int n, double value) {
        double v = round(value);
        return new Figure(unit, n, v, v, v, null, null);
    }

    private static double rank(double[] sorted, int percentile) {
        int idx = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @Override
    public String toString() {
        return "n=" + n + " p50=" + p50 + " p95=" + p95 + " p99=" + p99 + " " + unit;
    }
}
