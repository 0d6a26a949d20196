#!/usr/bin/env bash
# 1,000 concurrent candidate streams on one release server: a reveal must reach all of them
# with p99 delivery latency under 100 ms; reports memory per open stream. The server is pinned
# to CPU 0, the node client (bench/live-streams.mjs) to CPU 1.
#
#   bench/live-streams.sh [STREAMS] [REVEALS]        CAPS=default bench/live-streams.sh 2000 1
set -euo pipefail
cd "$(dirname "$0")/.."
streams=${1:-1000}
reveals=${2:-6}
for tool in node taskset curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
cargo build --release --quiet
work=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
db="sqlite://$work/live.db"
echo correct-horse-battery-staple | target/release/firedrill user add bench --role interviewer --database "$db" >/dev/null
# Every stream comes from one address to one interview: lift the stream and connection caps
# (CAPS=default keeps them, to see the refusals).
lift=(--max-streams-per-interview 0 --max-streams-per-client 0 --max-connections-per-client 0 --max-connections 0)
[ "${CAPS:-}" = default ] && lift=()
FIREDRILL_LOG=error taskset -c 0 target/release/firedrill serve --content content --database "$db" --bind 127.0.0.1:18084 \
    "${lift[@]}" &
pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:18084/healthz" && break; sleep 0.1; done
taskset -c 1 node bench/live-streams.mjs http://127.0.0.1:18084 "$pid" "$streams" "$reveals"
