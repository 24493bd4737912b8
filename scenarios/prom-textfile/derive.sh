#!/bin/bash
# The textfiles of a prom-textfile run, read by the real consumers (host side):
#   promtool.json    promtool check metrics on every snapshot and the last file
#   monotonic.json   counters that went down from one snapshot to the next
#   promql.json      the last file served by prometheus-node-exporter's textfile
#                    collector, scraped by prometheus, answers over its HTTP API
# Both daemons listen on 127.0.0.1 (ports the kernel picks free), keep their
# state in a temporary directory and are stopped here, whatever happens.
set -euo pipefail
run=$1
snaps=$run/snapshots
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# promtool on each file: its exit code and what it said
for f in "$snaps"/*.prom; do
	[ -f "$f" ] || continue
	rc=0
	out=$(promtool check metrics <"$f" 2>&1) || rc=$?
	jq -cn --arg file "$(basename "$f")" --argjson rc "$rc" --arg out "$out" \
		'{file: $file, rc: $rc, out: $out}'
done | jq -s . >"$run/promtool.json"

# every counter series (TYPE counter, histogram buckets, _count and _sum), snapshot by snapshot
/usr/bin/python3 - "$snaps" >"$run/monotonic.json" <<'PY'
import json, os, sys
d = sys.argv[1]
files = sorted(f for f in os.listdir(d) if f.endswith(".prom") and f != "final.prom") + ["final.prom"]
prev, down, series = {}, [], 0
for f in files:
    path = os.path.join(d, f)
    if not os.path.exists(path):
        continue
    types, cur = {}, {}
    for line in open(path):
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split()
            types[name] = typ
        elif line.strip() and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            name = key.split("{")[0]
            fam = name
            for suffix in ("_bucket", "_count", "_sum"):
                if name.endswith(suffix) and types.get(name[: -len(suffix)]) == "histogram":
                    fam = name[: -len(suffix)]
            if types.get(fam) in ("counter", "histogram"):
                cur[key] = float(value)
    for key, v in cur.items():
        if key in prev and v < prev[key]:
            down.append(f"{f}: {key} {prev[key]} -> {v}")
    series = len(cur)
    prev.update(cur)
json.dump({"files": len(files), "series": series, "went_down": down[:10]}, sys.stdout)
PY

# a free port on 127.0.0.1 (the kernel's pick)
port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mkdir -p "$tmp/textfiles" "$tmp/data"
cp "$snaps/final.prom" "$tmp/textfiles/atstrace.prom"
ne=$(port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$ne" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$tmp/textfiles" \
	>"$tmp/node-exporter.log" 2>&1 &
pids+=($!)
pp=$(port)
cat >"$tmp/prometheus.yml" <<EOT
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: atstrace
    static_configs:
      - targets: ['127.0.0.1:$ne']
EOT
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
	--web.listen-address="127.0.0.1:$pp" >"$tmp/prometheus.log" 2>&1 &
pids+=($!)

# PromQL over the HTTP API of the prometheus started above (loopback only,
# no other host): the value of one instant query, or null
query() {
	curl -sf --get "http://127.0.0.1:$pp/api/v1/query" --data-urlencode "query=$1" |
		jq '.data.result[0].value[1] // null | if . == null then null else tonumber end'
}
up=null
for _ in $(seq 60); do
	up=$(query 'up{job="atstrace"}' 2>/dev/null || echo null)
	[ "$up" = 1 ] && [ "$(query 'count(atstrace_build_info)' 2>/dev/null || echo null)" = 1 ] && break
	sleep 0.5
done
dev=$(jq -rs 'add | .dev' "$run/params.json")
q_in_window=$(query "atstrace_in_window_invalidations_total{device=\"$dev\"}" || echo null)
q_invs=$(query "atstrace_invalidations_total{device=\"$dev\"}" || echo null)
q_windows=$(query "sum(atstrace_reset_windows_total{device=\"$dev\"})" || echo null)
q_lat_count=$(query "atstrace_invalidation_latency_seconds_count{device=\"$dev\"}" || echo null)
q_lat_sum=$(query "atstrace_invalidation_latency_seconds_sum{device=\"$dev\"}" || echo null)
q_healthy=$(query 'atstrace_healthy' || echo null)
q_scrape_error=$(query 'node_textfile_scrape_error' || echo null)
jq -n --argjson up "${up:-null}" --argjson in_window "$q_in_window" --argjson invalidations "$q_invs" \
	--argjson windows "$q_windows" --argjson latency_count "$q_lat_count" \
	--argjson latency_sum "$q_lat_sum" --argjson healthy "$q_healthy" \
	--argjson textfile_scrape_error "$q_scrape_error" \
	--arg prometheus "$(prometheus --version 2>&1 | head -1)" \
	--arg node_exporter "$(prometheus-node-exporter --version 2>&1 | head -1)" \
	'{up: $up, in_window: $in_window, invalidations: $invalidations, windows: $windows,
	  latency_count: $latency_count, latency_sum: $latency_sum, healthy: $healthy,
	  textfile_scrape_error: $textfile_scrape_error, prometheus: $prometheus,
	  node_exporter: $node_exporter}' >"$run/promql.json"
