#!/usr/bin/env python3
"""Writes the SdPortal Grafana dashboard (ADR-023): python3 tools/grafana_dashboard.py > deploy/grafana/dashboards/sdportal-dashboard.json

One panel list, so the panels share a layout and a data source variable; DashboardMetricNamesTests checks that every
series a panel queries is one a portal exports."""
import json
DS = {"type": "prometheus", "uid": "${datasource}"}
panels = []
y = 0
pid = 1
def row(title):
    global y, pid
    panels.append({"type": "row", "title": title, "id": pid, "collapsed": False, "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
    pid += 1; y += 1
def ts(title, targets, unit="short", w=8, x=0, h=8, desc="", stack=False, kind="timeseries"):
    global pid
    p = {"type": kind, "title": title, "id": pid, "datasource": DS, "description": desc,
         "gridPos": {"h": h, "w": w, "x": x, "y": y},
         "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
         "targets": [{"datasource": DS, "refId": chr(65 + i), "expr": e, "legendFormat": l} for i, (e, l) in enumerate(targets)]}
    if kind == "timeseries":
        p["fieldConfig"]["defaults"]["custom"] = {"stacking": {"mode": "normal" if stack else "none"}, "fillOpacity": 10}
        p["options"] = {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}}
    panels.append(p); pid += 1
def q(f, metric, by="le", rng="5m"):
    return f'histogram_quantile({f}, sum by ({by}) (rate({metric}_bucket[{rng}])))'

row("Queue")
ts("Backlog (jobs waiting for a worker)", [("sum(max by (tenant) (sdportal_queue_depth)) or vector(0)", "all tenants")], w=6, kind="stat",
   desc="sdportal.queue.depth: Queued + Dispatched jobs, the backlog the KEDA scaler counts. Every web node exports the same table, hence max by tenant before the sum; no series means an empty queue.")
ts("Queue depth per tenant", [("topk(10, max by (tenant) (sdportal_queue_depth))", "{{tenant}}")], w=9, x=6, stack=True)
ts("Oldest wait per tenant", [("topk(10, max by (tenant) (sdportal_queue_oldest_wait_seconds))", "{{tenant}}")], unit="s", w=9, x=15)
y += 8
ts("Open jobs by state", [("max by (state) (sdportal_jobs)", "{{state}}")], w=8, stack=True,
   desc="Refreshed by one GROUP BY every Telemetry:Prometheus:QueueRefreshSeconds (5 s) on each web node; hence max across web nodes, not sum.")
ts("Jobs finished by outcome", [("sum by (outcome) (rate(sdportal_jobs_finished_total[5m]))", "{{outcome}}")], unit="ops", w=8, x=8, stack=True)
ts("Queue refresh query (p50 / p99)", [(q(0.5, "sdportal_queue_refresh_duration_seconds"), "p50"), (q(0.99, "sdportal_queue_refresh_duration_seconds"), "p99")], unit="s", w=8, x=16)
y += 8
row("Latency")
ts("Submit → start wait (p50 / p95 / p99)", [(q(0.5, "sdportal_job_wait_duration_seconds"), "p50"), (q(0.95, "sdportal_job_wait_duration_seconds"), "p95"), (q(0.99, "sdportal_job_wait_duration_seconds"), "p99")], unit="s", w=12)
ts("Run time, start → settle (p50 / p95)", [(q(0.5, "sdportal_job_run_duration_seconds", "le, outcome"), "p50 {{outcome}}"), (q(0.95, "sdportal_job_run_duration_seconds", "le, outcome"), "p95 {{outcome}}")], unit="s", w=12, x=12)
y += 8
row("Credits and billing")
ts("Credits reserved / captured / released", [("sum(rate(sdportal_credits_reserved_total[5m])) * 60", "reserved"), ("sum(rate(sdportal_credits_captured_total[5m])) * 60", "captured"), ("sum(rate(sdportal_credits_released_total[5m])) * 60", "released")], unit="short", w=12,
   desc="Credits per minute.")
ts("Stripe webhook lag (p50 / p95)", [(q(0.5, "sdportal_billing_webhook_lag_seconds"), "p50"), (q(0.95, "sdportal_billing_webhook_lag_seconds", "le, event_type"), "p95 {{event_type}}")], unit="s", w=12, x=12)
y += 8
row("Engine")
ts("Denoising steps/s per device", [("sum by (instance, device) (rate(sdportal_engine_steps_total[1m]))", "{{instance}} {{device}}")], unit="short", w=8)
ts("Batch fill (rows over capacity, mean)", [("sum by (instance, device) (rate(sdportal_engine_batch_fill_sum[5m])) / sum by (instance, device) (rate(sdportal_engine_batch_fill_count[5m]))", "{{instance}} {{device}}")], unit="percentunit", w=8, x=8)
ts("Rows per UNet call (p50 / p95)", [(q(0.5, "sdportal_engine_batch_rows", "le, device"), "p50 {{device}}"), (q(0.95, "sdportal_engine_batch_rows", "le, device"), "p95 {{device}}")], w=8, x=16)
y += 8
ts("Model loads / evictions", [("sum by (model) (increase(sdportal_engine_model_loads_total[15m]))", "load {{model}}"), ("sum by (model) (increase(sdportal_engine_model_evictions_total[15m]))", "evict {{model}}")], w=12)
ts("Hangfire executions by outcome", [("sum by (job_type, outcome) (rate(sdportal_hangfire_executions_total[5m]))", "{{job_type}} {{outcome}}"), (q(0.95, "sdportal_hangfire_execution_duration_seconds", "le, job_type"), "p95 s {{job_type}}")], w=12, x=12)
y += 8
row("GPUs (NVML)")
ts("GPU memory used", [("sdportal_gpu_memory_used_bytes", "{{instance}} {{device}}"), ("sdportal_gpu_memory_total_bytes", "total {{instance}} {{device}}")], unit="bytes", w=8)
ts("GPU utilisation", [("sdportal_gpu_utilization", "{{instance}} {{device}}")], unit="percentunit", w=8, x=8)
ts("GPU temperature", [("sdportal_gpu_temperature_celsius", "{{instance}} {{device}}")], unit="celsius", w=8, x=16)
y += 8
row("Web nodes")
ts("HTTP requests by status", [("sum by (http_response_status_code) (rate(http_server_request_duration_seconds_count[5m]))", "{{http_response_status_code}}")], unit="reqps", w=8)
ts("HTTP p95 latency by route", [(q(0.95, "http_server_request_duration_seconds", "le, http_route"), "{{http_route}}")], unit="s", w=8, x=8)
ts("GC heap and collections", [("sum by (instance) (dotnet_gc_last_collection_heap_size_bytes)", "heap {{instance}}"), ("sum by (instance) (rate(dotnet_gc_collections_total[5m]))", "gc/s {{instance}}")], w=8, x=16)
y += 8

dash = {
  "title": "SdPortal", "uid": "sdportal-overview", "editable": True, "schemaVersion": 39, "version": 1,
  "tags": ["sdportal"], "time": {"from": "now-6h", "to": "now"}, "refresh": "30s", "timezone": "",
  "description": "SdPortal: queue, jobs, credits, webhooks, engine, GPUs, web nodes (ADR-023). Metric names are checked against a live portal by SdPortal.Tests/Observability/DashboardMetricNamesTests.",
  "templating": {"list": [{"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus", "current": {"text": "Prometheus", "value": "sdportal-prometheus"}}]},
  "annotations": {"list": []},
  "panels": panels,
}
print(json.dumps(dash, indent=2))
