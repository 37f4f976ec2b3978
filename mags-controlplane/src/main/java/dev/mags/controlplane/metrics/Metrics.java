package dev.mags.controlplane.metrics;

import dev.mags.controlplane.placement.AgentDirectory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * The control plane's meters, in one registry that {@code GET /metrics} renders in Prometheus' text format.
 * Job and sandbox numbers are read from the state store and the agents when scraped; HTTP requests are timed as
 * they are served; the JVM's own binders add memory, GC, threads, classes, CPU and uptime.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JobMetrics jobs;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics(Jdbi jdbi, AgentDirectory agents, Clock clock) {
        this.jobs = new JobMetrics(jdbi, registry, clock.instant());
        SandboxGauges sandboxes = new SandboxGauges(jdbi, agents);
        Gauge.builder("mags.sandboxes.live", sandboxes, SandboxGauges::jobSandboxes).tag("kind", "job").strongReference(true)
                .description("live sandboxes of running jobs without a workspace").register(registry);
        Gauge.builder("mags.sandboxes.live", sandboxes, SandboxGauges::workspaceSandboxes).tag("kind", "workspace").strongReference(true)
                .description("live sandboxes of workspaces (running a job or kept alive)").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Records one HTTP request; {@code route} is the path template, so ids do not make new series. */
    public void httpRequest(String method, String route, int status, Duration took) {
        Timer.builder("mags.http.requests").description("HTTP requests served, by route and status")
                .tags("method", method, "route", route, "status", Integer.toString(status))
                .register(registry).record(took);
    }

    /** Every meter in Prometheus' text exposition format (version 0.0.4). */
    public String scrape() {
        jobs.refresh();
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
