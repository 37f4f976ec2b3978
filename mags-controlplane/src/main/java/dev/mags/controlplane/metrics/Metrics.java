package dev.mags.controlplane.metrics;

import dev.mags.controlplane.placement.AgentDirectory;
import dev.mags.api.ServerStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
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
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The process's meters, in one registry that {@code GET /metrics} renders in Prometheus' text format. Job and
 * sandbox numbers are read from the state store and the agents when scraped; HTTP requests are timed as they are
 * served; the parts that do the work (exec and SSH sessions, the agent's warm pool and syncs) register their own
 * meters in the same registry, which they are given; the JVM's own binders add memory, GC, threads, classes, CPU
 * and uptime. Closing this closes the registry.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final JobMetrics jobs;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** A registry of its own, for a control plane whose agents record nothing. */
    public static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    public Metrics(PrometheusMeterRegistry registry, Jdbi jdbi, AgentDirectory agents, Clock clock) {
        this.registry = registry;
        this.jobs = new JobMetrics(jdbi, registry, clock.instant());
        SandboxGauges sandboxes = new SandboxGauges(jdbi, agents);
        Gauge.builder("mags.sandboxes.sleeping", sandboxes, SandboxGauges::sleeping).strongReference(true)
                .description("sandboxes of persistent jobs gone to sleep (stopped, files kept; woken by the next use)")
                .register(registry);
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

    /** The registry where the parts that do the work register their meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The server's numbers for the admin view, read from the same meters a scrape shows. */
    public ServerStats serverStats() {
        jobs.refresh();
        Map<String, Long> byStatus = new TreeMap<>();
        registry.find("mags.jobs").gauges().forEach(g -> byStatus.put(g.getId().getTag("status"), (long) g.value()));
        ServerStats.WarmPool pool = registry.find("mags.warm.pool.ready").gauge() == null ? null
                : new ServerStats.WarmPool(gauge("mags.warm.pool.ready", Tags.empty()),
                        gauge("mags.warm.pool.target", Tags.empty()), (long) registry.find("mags.warm.pool.takes")
                                .tag("result", "miss").counters().stream().mapToDouble(Counter::count).sum());
        return new ServerStats(byStatus,
                new ServerStats.Sandboxes(gauge("mags.sandboxes.live", Tags.of("kind", "job")),
                        gauge("mags.sandboxes.live", Tags.of("kind", "workspace")), gauge("mags.sandboxes.sleeping",
                        Tags.empty())),
                pool, gauge("mags.exec.sessions.open", Tags.empty()),
                registry.find("mags.ssh.sessions.open").gauge() == null ? null
                        : gauge("mags.ssh.sessions.open", Tags.empty()));
    }

    /** A gauge's value now; 0 when it is not registered or its source failed (NaN). */
    private long gauge(String name, Tags tags) {
        Gauge g = registry.find(name).tags(tags).gauge();
        double v = g == null ? 0 : g.value();
        return Double.isNaN(v) ? 0 : (long) v;
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
