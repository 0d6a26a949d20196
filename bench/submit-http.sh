#!/usr/bin/env bash
# Answer submissions per second through HTTP (release build, 64 concurrent connections, each
# answer graded and committed with synchronous=FULL before its 303) vs plain SQLite committing
# one row per transaction with the same settings, on the same disk, rounds alternating.
# Fails below 1.0x or on any failed submission.
#
#   bench/submit-http.sh [SECONDS_PER_RUN] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
require "wrk curl" wrk curl
duration=${1:-10}
rounds=${2:-3}
cargo build --release --quiet
cargo bench --quiet --bench submissions --no-run 2>/dev/null
mkdir -p target/tmp
work=$(mktemp -d -p target/tmp submit-http-XXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# wrk's 64 connections all come from one address: no per-client connection cap.
FIREDRILL_LOG=error FIREDRILL_SUBMIT_RATE=0 FIREDRILL_MAX_CONNECTIONS_PER_CLIENT=0 target/release/firedrill serve --content content --database "sqlite://$work/http.db" --bind 127.0.0.1:18082 &
pid=$!
wait_ready http://127.0.0.1:18082/healthz
# A learner identity is made by the first form post.
curl -s -o /dev/null -D "$work/headers" --data 'csrf=new&scenario=gitops-drift-causing-outage' http://127.0.0.1:18082/reveals
export FIREDRILL_COOKIE=$(grep -i '^set-cookie:' "$work/headers" | sed 's/^[^:]*: //; s/;.*//' | tr -d '\r')
page=$(curl -s -b "$FIREDRILL_COOKIE" http://127.0.0.1:18082/scenarios/gitops-drift-causing-outage)
export FIREDRILL_CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' <<<"$page" | head -1 | sed 's/.*value="//; s/"//')

raw_runs=() http_runs=()
for round in $(seq "$rounds"); do
    raw=$(cargo bench --quiet --bench submissions -- 2000 1 64 | awk '/^median:/ { print $4 }')
    out=$(wrk -t2 -c64 -d"${duration}s" -s bench/post-answer.lua http://127.0.0.1:18082)
    if grep -qE "Non-2xx|Socket errors" <<<"$out"; then echo "$out" >&2; echo "FAIL: failed submissions" >&2; exit 1; fi
    http=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
    raw_runs+=("$raw"); http_runs+=("$http")
    printf 'round %d: plain SQLite %8.0f rows/s   HTTP submissions %8.0f/s   ratio %.2f\n' "$round" "$raw" "$http" "$(echo "$http / $raw" | bc -l)"
done
raw=$(median "${raw_runs[@]}"); http=$(median "${http_runs[@]}")
count=$(curl -s -b "$FIREDRILL_COOKIE" http://127.0.0.1:18082/attempts | grep -c '/attempts/[0-9a-f]\{32\}' || true)
ratio=$(echo "$http / $raw" | bc -l)
printf 'median: plain SQLite %.0f rows/s, HTTP submissions %.0f/s, ratio %.2f (target >= 1.0); history shows %d (its newest page: 50)\n' "$raw" "$http" "$ratio" "$count"
awk -v r="$ratio" 'BEGIN { exit !(r >= 1.0) }' || { echo "FAIL: below 1.0x" >&2; exit 1; }
