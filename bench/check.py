#!/usr/bin/env python3
"""Checks that a bench result has every figure, each with a number: so the harness cannot rot.
It never checks a figure against a target."""
import json, math, sys

FIGURES = ["api_run_warm_ms", "api_run_cold_ms", "runc_exec_floor_ms", "runc_run_floor_ms",
           "bwrap_floor_ms", "cli_run_ms", "podman_run_ms", "cli_vs_podman_ratio", "throughput_c1",
           "throughput_c4", "throughput_c16", "throughput_c64", "errors", "idle_sandbox_host_mib",
           "status_rps", "sync_first_s", "sync_unchanged_ms", "sync_one_changed_ms", "restore_s", "s3_put_mbps",
           "s3_get_mbps", "restore_mbps", "cron_fire_delay_ms", "upload_mbps", "disk_write_mbps", "exec_ms", "wake_ms", "ssh_cmd_ms",
           "idle_live_sandbox_host_mib"]

# Public URLs (the part urls)
FIGURES += ["proxy_rps", "direct_rps", "tiny_proxy_rps", "tiny_direct_rps", "nginx_proxy_rps", "proxy_added_ms", "wake_on_request_ms"]
FIGURES += ["dashboard_jobs_ms", "dashboard_shell_ms"]
FIGURES += ["placement_ms", "recovery_s", "cluster_exec_ms", "cluster_exec_tls_ms"]

result = json.load(open(sys.argv[1]))
missing = [f for f in FIGURES if f not in result["figures"]]
empty = [f for f in FIGURES if f in result["figures"] and
         (result["figures"][f]["n"] < 1 or not math.isfinite(result["figures"][f]["p50"]))]
for key in ("commit", "machine", "figures"):
    if key not in result:
        missing.append(key)
if missing or empty:
    print(f"bench check: FAILED: missing {missing}, without a value {empty}", file=sys.stderr)
    sys.exit(1)
print(f"bench check: all {len(FIGURES)} figures present in {sys.argv[1]}")
