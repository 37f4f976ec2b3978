package dev.mags.controlplane.apps;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code mags_proxy_requests_total{status="2xx"..."5xx"}}: requests to public URLs by the class of the status the
 * visitor got (the app's, or the proxy's own page). Counters made once, so counting a request looks nothing up.
 */
final class ProxyMeters {
    private final Counter[] byClass = new Counter[6];

    ProxyMeters(MeterRegistry registry) {
        for (int c = 1; c <= 5; c++) {
            byClass[c] = Counter.builder("mags.proxy.requests").description("Requests to public URLs, by status class")
                    .tag("status", c + "xx").register(registry);
        }
    }

    void answered(int status) {
        int c = status / 100;
        if (c >= 1 && c <= 5) {
            byClass[c].increment();
        }
    }
}
